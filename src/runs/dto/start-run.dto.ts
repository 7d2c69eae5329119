import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { RUN_WINDOW_PATTERN } from '../../archive/engine/run-window';
import { IntegerField } from '../../common/integer-fields';
import { JOB_KINDS, JobKind } from '../entities/job-run.entity';
import { RUN_OPTION_RANGES } from '../run-option-ranges';

/** Body of POST /policies/{tableName}/run. Everything but `job` is optional. */
export class StartRunDto {
  /**
   * `archive` moves old rows to the archive; `purge` deletes archived rows past their retention.
   * @example archive
   */
  @IsIn(JOB_KINDS, { message: `job must be one of: ${JOB_KINDS.join(', ')}` })
  job: JobKind;

  /**
   * Count what would happen and change nothing (the counts land in the run's `details`).
   * @example false
   */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  /** Rows per batch for this run only (default: the policy's batchSize, then ARCHIVE_BATCH_SIZE). */
  @IntegerField(RUN_OPTION_RANGES.batchSize, { optional: true, example: 1000 })
  batchSize?: number;

  /**
   * Pause between batches in milliseconds, to leave room for production traffic (no lock is held
   * during the pause).
   */
  @IntegerField(RUN_OPTION_RANGES.sleepBetweenBatchesMs, { optional: true, example: 0 })
  sleepBetweenBatchesMs?: number;

  /**
   * Adapt the batch size toward this transaction time in milliseconds, starting from the batch
   * size; 0 turns it off for this run (default: ARCHIVE_BATCH_TARGET_MS).
   */
  @IntegerField(RUN_OPTION_RANGES.targetBatchMs, { optional: true, example: 0 })
  targetBatchMs?: number;

  /**
   * Key ranges worked at once, each on its own connections: faster, and that many times the load
   * on the servers (default: ARCHIVE_LANES). Only a single-column integer key on MySQL/MariaDB is
   * cut into lanes; other tables run as one.
   */
  @IntegerField(RUN_OPTION_RANGES.lanes, { optional: true, example: 1 })
  lanes?: number;

  /** Stop cleanly after the batch during which the run has lasted this many seconds. */
  @IntegerField(RUN_OPTION_RANGES.maxRuntimeSeconds, { optional: true, example: 3600 })
  maxRuntimeSeconds?: number;

  /** Pause between batches while a replica of the source lags more than this many seconds (default: the policy's, then MAX_REPLICA_LAG_SECONDS). */
  @IntegerField(RUN_OPTION_RANGES.maxReplicaLagSeconds, { optional: true, example: 30 })
  maxReplicaLagSeconds?: number;

  /** Pause between batches while the source's Threads_running exceeds this (0 = no check; default: the policy's, then MAX_THREADS_RUNNING). */
  @IntegerField(RUN_OPTION_RANGES.maxThreadsRunning, { optional: true, example: 0 })
  maxThreadsRunning?: number;

  /**
   * Move batches only inside this daily window, UTC, `HH:MM-HH:MM`; outside it the run stops cleanly (default: the policy's, then RUN_WINDOW).
   * @example 01:00-05:00
   */
  @IsOptional()
  @IsString()
  @Matches(RUN_WINDOW_PATTERN, { message: 'runWindow must look like 01:00-05:00 (HH:MM-HH:MM, UTC)' })
  runWindow?: string;
}
