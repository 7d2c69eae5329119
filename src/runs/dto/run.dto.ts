import { ApiProperty } from '@nestjs/swagger';
import {
  JOB_KINDS,
  JobKind,
  JobRun,
  RUN_STATUSES,
  RUN_TRIGGERS,
  RunStatus,
  RunTrigger,
} from '../entities/job-run.entity';

/** One run of a job on one table (or an attempt skipped because the job was already running). */
export class RunDto {
  id: number;
  @ApiProperty({ enum: JOB_KINDS })
  job: JobKind;
  /** Source table of the policy. */
  tableName: string;
  /** The policy's source connection (`source`: the built-in one). */
  sourceConnection: string;
  /** The archive connection the run wrote to or purged from. */
  archiveConnection: string;
  /** `running` until it ends; `skipped` when the same job already ran on this table. */
  @ApiProperty({ enum: RUN_STATUSES })
  status: RunStatus;
  @ApiProperty({ enum: RUN_TRIGGERS })
  trigger: RunTrigger;
  /** ISO 8601, UTC. */
  startedAt: string;
  /** ISO 8601, UTC; null while running. */
  finishedAt: string | null;
  /** Rows moved to the archive so far (grows while an archive run runs; 0 for dry runs). */
  rowsArchived: number;
  /** Rows deleted from the archive so far (grows while a purge run runs; 0 for dry runs). */
  rowsPurged: number;
  /** Batches committed so far. */
  batches: number;
  /** Why the run failed or was skipped; null otherwise. */
  error: string | null;
  /** A dry run changes nothing; what it found is in `details` (`rowsToArchive` / `rowsToPurge`). */
  dryRun: boolean;
  /** Username of whoever asked for it; null for scheduled runs. */
  requestedBy: string | null;
  /**
   * Facts of the finished run: `stopReason` (completed, aborted, max-runtime, error), cutoff, last key,
   * transfer mode, keys blocked by foreign keys, the lease holder of a skipped run…
   */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details: Record<string, unknown> | null;

  static from(run: JobRun): RunDto {
    return {
      id: run.id,
      job: run.job,
      tableName: run.tableName,
      sourceConnection: run.sourceConnection,
      archiveConnection: run.archiveConnection,
      status: run.status,
      trigger: run.trigger,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
      rowsArchived: run.rowsArchived,
      rowsPurged: run.rowsPurged,
      batches: run.batches,
      error: run.error,
      dryRun: Boolean(run.dryRun),
      requestedBy: run.requestedBy,
      details: run.details,
    };
  }
}
