import { ApiProperty } from '@nestjs/swagger';
import { isoFromDatabaseTimestamp } from '../../common/database-timestamp';
import { EXECUTION_MODES, ExecutionMode } from '../../config/app-config';
import { ApiCountProperty, ApiIdProperty } from '../../openapi/integer-properties';
import {
  JOB_KINDS,
  JobKind,
  JobRun,
  RUN_STATUSES,
  RUN_TRIGGERS,
  RunStatus,
  RunTrigger,
  RunWorker,
} from '../entities/job-run.entity';

/** Where a run executed. */
export class RunWorkerDto {
  /**
   * Host name of the machine.
   * @example das-7f9c4
   */
  host: string;
  /** Process id of the process that ran the engine. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 4_194_304, example: 4242 })
  pid: number;
  /** How it got there (JOB_EXECUTION): in the service's own process, a job process of its own, or a queue worker. */
  @ApiProperty({ enum: EXECUTION_MODES, example: 'inline' })
  mode: ExecutionMode;
  /**
   * Id of the worker (GET /api/v1/system/workers) that executed or supervised it.
   * @example das-7f9c4:4242:9f2c61ab
   */
  workerId: string | null;

  static from(worker: RunWorker): RunWorkerDto {
    return { host: worker.host, pid: worker.pid, mode: worker.mode, workerId: worker.workerId ?? null };
  }
}

/** One run of a job on one table (or an attempt skipped because the job was already running). */
export class RunDto {
  @ApiIdProperty(1)
  id: number;
  @ApiProperty({ enum: JOB_KINDS, example: 'archive' })
  job: JobKind;
  /**
   * Source table of the policy.
   * @example orders
   */
  tableName: string;
  /**
   * The policy's source connection (`source`: the built-in one).
   * @example source
   */
  sourceConnection: string;
  /**
   * The archive connection the run wrote to or purged from.
   * @example archive
   */
  archiveConnection: string;
  /** `running` until it ends; `skipped` when the same job already ran on this table. */
  @ApiProperty({ enum: RUN_STATUSES, example: 'succeeded' })
  status: RunStatus;
  @ApiProperty({ enum: RUN_TRIGGERS, example: 'api' })
  trigger: RunTrigger;
  /**
   * ISO 8601, UTC, with milliseconds.
   * @example 2025-03-02T02:00:00.125Z
   */
  startedAt: string;
  /**
   * ISO 8601, UTC, with milliseconds; null while running.
   * @example 2025-03-02T02:00:02.431Z
   */
  finishedAt: string | null;
  /** Rows moved to the archive so far (grows while an archive run runs; 0 for dry runs). */
  @ApiCountProperty(20000)
  rowsArchived: number;
  /** Rows deleted from the archive so far (grows while a purge run runs; 0 for dry runs). */
  @ApiCountProperty(0)
  rowsPurged: number;
  /** Batches committed so far. */
  @ApiCountProperty(20)
  batches: number;
  /**
   * Why the run failed or was skipped; null otherwise.
   * @example null
   */
  error: string | null;
  /**
   * A dry run changes nothing; what it found is in `details` (`rowsToArchive` / `rowsToPurge`).
   * @example false
   */
  dryRun: boolean;
  /**
   * Username of whoever asked for it; null for scheduled runs.
   * @example admin
   */
  requestedBy: string | null;
  /**
   * When an admin asked the run to stop (ISO 8601, UTC); null if nobody did.
   * @example null
   */
  cancelRequestedAt: string | null;
  /**
   * Who asked the run to stop; null if nobody did.
   * @example null
   */
  cancelRequestedBy: string | null;
  /** Where the run executes or executed; null until an executor picked it up (and for skipped attempts). */
  @ApiProperty({
    type: RunWorkerDto,
    nullable: true,
    example: { host: 'das-7f9c4', pid: 4242, mode: 'inline', workerId: 'das-7f9c4:4242:9f2c61ab' },
  })
  worker: RunWorkerDto | null;
  /**
   * Facts of the finished run: `stopReason` (completed, aborted, max-runtime, error), cutoffs (ISO
   * 8601, UTC), last key, transfer mode, keys blocked by foreign keys, the lease holder of a skipped run…
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: {
      archiveCutoff: '2024-03-02T02:00:00.125Z',
      transfer: 'copy',
      keyColumns: ['id'],
      copyFormat: 'values',
      lastKey: [20000],
      stopReason: 'completed',
    },
  })
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
      cancelRequestedAt: run.cancelRequestedAt ? run.cancelRequestedAt.toISOString() : null,
      cancelRequestedBy: run.cancelRequestedBy ?? null,
      worker: run.worker ? RunWorkerDto.from(run.worker) : null,
      details: run.details && withIsoCutoffs(run.details),
    };
  }
}

/** Detail fields that hold an instant, written by the engines in their database's own format. */
const CUTOFF_FIELDS = ['archiveCutoff', 'purgeCutoff'];

/** Cutoffs as ISO 8601 UTC, like every other time in the API (records of older runs included). */
function withIsoCutoffs(details: Record<string, unknown>): Record<string, unknown> {
  const converted = { ...details };
  for (const field of CUTOFF_FIELDS) {
    const value = converted[field];
    if (typeof value === 'string') {
      converted[field] = isoFromDatabaseTimestamp(value);
    }
  }
  return converted;
}
