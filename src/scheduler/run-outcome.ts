import { QueryFailedError } from 'typeorm';
import { EngineError } from '../archive/engine/engine-errors';
import { BatchProgress, EngineRunResult } from '../archive/engine/engine.types';
import { ConnectionError } from '../connections/connection-errors';
import { JobKind, JobRun } from '../runs/entities/job-run.entity';
import { RunOutcome } from '../runs/run-recorder';
import { DomainError } from '../common/domain-error';
import { RunCancelledError, ShuttingDownError } from './execution/job-errors';
import { JobLease } from './entities/job-lease.entity';
import { JobRequest, policyLabelOf } from './job-request';
import { RunStop } from './lease-keeper';

/** Rows moved so far, in the counter that belongs to the job. */
function counters(job: JobKind, rows: number): Pick<RunOutcome, 'rowsArchived' | 'rowsPurged'> {
  return job === 'archive' ? { rowsArchived: rows, rowsPurged: 0 } : { rowsArchived: 0, rowsPurged: rows };
}

function verbOf(job: JobKind): string {
  return job === 'archive' ? 'archived' : 'purged';
}

/**
 * The record of a run the engine finished. A `problem` (rows left behind for a reason the DBA must
 * act on) or a stop from outside (shutdown, lost lease) makes it `failed`, with what was moved kept.
 */
export function outcomeOfResult(job: JobKind, result: EngineRunResult, stop: Error | null): RunOutcome {
  const details = { ...result.details, stopReason: result.stopReason };
  if (result.dryRun) {
    // Counters say what changed; a dry run changed nothing, so what it found goes into details.
    const found = job === 'archive' ? { rowsToArchive: result.rows } : { rowsToPurge: result.rows };
    return {
      status: 'succeeded',
      error: null,
      ...counters(job, 0),
      batches: 0,
      details: { ...details, ...found, batchesPlanned: result.batches },
    };
  }
  const problems = result.problem === null ? [] : [result.problem];
  const stopped = result.stopReason === 'aborted' || result.stopReason === 'window-closed';
  if (stopped) {
    const why = result.stopReason === 'window-closed' ? result.stopMessage : stop?.message;
    problems.unshift(
      `stopped after ${result.batches} batches: ${why ?? 'it was aborted'} ` +
        `(${result.rows} rows ${verbOf(job)}; the remaining rows are left for the next run)`,
    );
  }
  // A stop asked for (shutdown, cancel) or a closed run window, with nothing else wrong, is `stopped`
  // (`cancelled`); a problem or a forced stop is `failed`.
  const asked = stop instanceof RunStop && stop.outcome !== 'failed' ? stop.outcome : null;
  const stoppedOnRequest = stopped && result.problem === null && (result.stopReason === 'window-closed' || asked);
  return {
    status: stoppedOnRequest ? (asked ?? 'stopped') : problems.length > 0 ? 'failed' : 'succeeded',
    error: problems.length > 0 ? problems.join('; ') : null,
    ...counters(job, result.rows),
    batches: result.batches,
    details,
  };
}

/**
 * The record of a run that was ended from outside in the middle of a batch (shutdown deadline,
 * stalled run): its sessions were killed, so the batch in flight rolled back; what committed before
 * stays counted.
 */
export function outcomeOfTermination(job: JobKind, stop: RunStop, progress: BatchProgress | null): RunOutcome {
  const rows = progress?.rows ?? 0;
  return {
    status: stop.outcome,
    error:
      `stopped after ${progress?.batches ?? 0} batches: ${stop.message}; the batch in flight was rolled back ` +
      `(${rows} rows ${verbOf(job)}; the remaining rows are left for the next run)`,
    ...counters(job, rows),
    batches: progress?.batches ?? 0,
    details: { stopReason: 'terminated', ...(progress ? { lastKey: progress.lastKey } : {}) },
  };
}

/**
 * The record of a run the engine (or the run's setup) threw out of; progress already committed stays
 * counted. The one place a domain error becomes a run status: a shutdown before the run could start
 * is `stopped` (nothing went wrong, the next run does the work), anything else `failed`.
 */
export function outcomeOfError(job: JobKind, error: unknown, progress: BatchProgress | null): RunOutcome {
  return {
    status:
      error instanceof ShuttingDownError ? 'stopped' : error instanceof RunCancelledError ? 'cancelled' : 'failed',
    error: describeFailure(error),
    ...counters(job, progress?.rows ?? 0),
    batches: progress?.batches ?? 0,
    details: { stopReason: 'error', ...(progress ? { lastKey: progress.lastKey } : {}) },
  };
}

interface DriverError {
  message: string;
  code?: unknown;
  errno?: unknown;
}

/**
 * A message a DBA can act on: the engine's own explanation (or the connection's: which one could not
 * be opened, and why), or the database driver's message with
 * its code (never the statement's bound values, which may be production data).
 */
export function describeFailure(error: unknown): string {
  if (error instanceof EngineError || error instanceof ConnectionError || error instanceof DomainError) {
    return error.message;
  }
  const driver = driverErrorOf(error);
  if (driver) {
    const codes = [
      typeof driver.code === 'string' ? driver.code : null,
      typeof driver.errno === 'number' ? `errno ${driver.errno}` : null,
    ]
      .filter((part) => part !== null)
      .join(', ');
    return `database error: ${driver.message}${codes ? ` (${codes})` : ''}`;
  }
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function driverErrorOf(error: unknown): DriverError | null {
  const candidate: unknown = error instanceof QueryFailedError ? error.driverError : error;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    ('code' in candidate || 'errno' in candidate) &&
    typeof (candidate as DriverError).message === 'string'
  ) {
    return candidate as DriverError;
  }
  return null;
}

/** The record of a scheduled run whose tick another instance already ran. */
export function sameTickOutcome(request: JobRequest, earlier: JobRun): RunOutcome {
  return {
    status: 'skipped',
    error:
      `${request.job} of "${policyLabelOf(request)}" already ran for the tick of ${request.tickAt}: run ${earlier.id} ` +
      `(${earlier.status}), started ${earlier.startedAt.toISOString()} by another instance`,
    rowsArchived: 0,
    rowsPurged: 0,
    batches: 0,
    details: { sameTickAs: earlier.id },
  };
}

/** The record of an attempt while the job already runs on that policy (`holder` holds its lease). */
export function skippedOutcome(request: JobRequest, holder: JobLease | null): RunOutcome {
  const by = holder
    ? `run ${holder.runId ?? '(unknown)'} holds its lease (owner ${holder.owner}, ` +
      `renewed until ${holder.expiresAt.toISOString()})`
    : 'another process holds its lease';
  return {
    status: 'skipped',
    error: `${request.job} of "${policyLabelOf(request)}" is already running: ${by}`,
    rowsArchived: 0,
    rowsPurged: 0,
    batches: 0,
    details: {
      heldBy: holder && { owner: holder.owner, runId: holder.runId, expiresAt: holder.expiresAt.toISOString() },
    },
  };
}
