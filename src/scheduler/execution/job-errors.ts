import { ConflictError, NotFoundError, UnavailableError } from '../../common/domain-error';

/**
 * Why a job could not be admitted or a run could not be acted on. Admission and execution throw
 * these and nothing HTTP; each edge maps them once: the HTTP filter (domain-error kinds → 404, 409,
 * 503), the CLI (exit codes), and an executor (run statuses, see run-outcome.ts).
 */

/** The job is already running on this policy; the attempt was recorded as the skipped run `skippedRunId`. */
export class JobAlreadyRunningError extends ConflictError {
  constructor(
    message: string,
    readonly skippedRunId: number,
  ) {
    super(`${message}; this request was recorded as skipped run ${skippedRunId}`);
  }
}

/** The process is shutting down: it admits and starts nothing new. */
export class ShuttingDownError extends UnavailableError {
  constructor() {
    super('The service is shutting down; no new run starts');
  }
}

/** The run was cancelled before it started executing. */
export class RunCancelledError extends ConflictError {
  constructor(by: string | null) {
    super(`cancelled by ${by ?? 'an admin'} before it started; nothing was moved`);
  }
}

/** No run with this id. */
export class RunNotFoundError extends NotFoundError {
  constructor(readonly runId: number) {
    super(`no run with id ${runId}`);
  }
}

/** The run has already ended (so it cannot be cancelled, or executed again). */
export class RunAlreadyFinishedError extends ConflictError {
  constructor(
    readonly runId: number,
    readonly status: string,
  ) {
    super(`run ${runId} has already finished (${status})`);
  }
}
