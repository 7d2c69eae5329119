import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { RUN_WINDOW_PATTERN } from '../../archive/engine/run-window';
import { JOB_KINDS, JobKind } from '../entities/job-run.entity';
import { MAX_LANES } from '../../archive/engine/key-lanes';

/** Body of POST /policies/{tableName}/run. Everything but `job` is optional. */
export class StartRunDto {
  /** `archive` moves old rows to the archive; `purge` deletes archived rows past their retention. */
  @IsIn(JOB_KINDS, { message: `job must be one of: ${JOB_KINDS.join(', ')}` })
  job: JobKind;

  /** Count what would happen and change nothing (the counts land in the run's `details`). */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  /** Rows per batch for this run only (1–50000; default: the policy's batchSize, then ARCHIVE_BATCH_SIZE). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50000)
  batchSize?: number;

  /** Pause between batches in milliseconds (0–60000), to leave room for production traffic. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  sleepBetweenBatchesMs?: number;

  /**
   * Adapt the batch size toward this transaction time in milliseconds (0–60000), starting from the
   * batch size; 0 turns it off for this run (default: ARCHIVE_BATCH_TARGET_MS).
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  targetBatchMs?: number;

  /**
   * Key ranges worked at once (1–4), each on its own connections: faster, and that many times the
   * load on the servers (default: ARCHIVE_LANES). Only a single-column integer key on MySQL/MariaDB
   * is cut into lanes; other tables run as one.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LANES)
  lanes?: number;

  /** Stop cleanly after the batch during which the run has lasted this many seconds (1–86400). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  maxRuntimeSeconds?: number;

  /** Pause between batches while a replica of the source lags more than this many seconds (0–86400; default: the policy's, then MAX_REPLICA_LAG_SECONDS). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  maxReplicaLagSeconds?: number;

  /** Pause between batches while the source's Threads_running exceeds this (0 = no check; default: the policy's, then MAX_THREADS_RUNNING). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxThreadsRunning?: number;

  /** Move batches only inside this daily window, UTC, `HH:MM-HH:MM`; outside it the run stops cleanly (default: the policy's, then RUN_WINDOW). */
  @IsOptional()
  @IsString()
  @Matches(RUN_WINDOW_PATTERN, { message: 'runWindow must look like 01:00-05:00 (HH:MM-HH:MM, UTC)' })
  runWindow?: string;
}
