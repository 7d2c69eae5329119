import type { BatchProgress } from '../../archive/engine/engine.types';
import type { ExecutionMode } from '../../config/app-config';
import type { JobRun } from '../../runs/entities/job-run.entity';
import type { JobRequest } from '../job-request';

export type { ExecutionMode } from '../../config/app-config';

/**
 * The dispatch seam: admitting a job is separate from executing it.
 *
 *   admission (JobRunner, in whichever process was asked: API, scheduler tick, CLI)
 *     validates the request, opens the run record (status `running`, `worker` null), answers;
 *   execution (a JobExecutor, then RunExecution in whichever process executes)
 *     takes the lease, runs the engine, writes progress and the end of the run record.
 *
 * Everything crosses the seam as an AdmittedJob: a run id and a serializable JobRequest. The
 * executing process rebuilds the rest (policy, data sources, lease) from the control database, so
 * an executor may run the job in this process (`inline`), in a child process (`process`), or on
 * another machine (`queue`). Cancel and progress travel through the control database too, never
 * through an in-process handle.
 *
 * Adding an executor: implement JobExecutor, add its mode to AVAILABLE_EXECUTION_MODES
 * (src/config/app-config.ts) and a case to the JOB_EXECUTOR factory (job-runner.module.ts). An
 * executor that runs jobs elsewhere calls RunExecution.execute() there with the same AdmittedJob.
 */
export interface JobExecutor {
  readonly mode: ExecutionMode;

  /**
   * Takes over an admitted run. Resolves once the executor has accepted it (it may wait for a free
   * slot, a child process or a queue before it actually starts); `finished` then settles — never
   * rejects — with the final run record.
   *
   * Rejects only when the executor cannot accept the run at all (e.g. ShuttingDownError, a queue
   * that cannot be reached); the run record is then still open and the caller closes it.
   */
  submit(job: AdmittedJob): Promise<SubmittedJob>;
}

/** Nest token of the configured executor (JOB_EXECUTION). */
export const JOB_EXECUTOR = Symbol('JOB_EXECUTOR');

/** An admitted job: its open run record's id and the request. Serializable, apart from the observer. */
export interface AdmittedJob {
  readonly runId: number;
  readonly request: JobRequest;
  /**
   * Progress callbacks for a caller in the same process (the CLI prints progress). Honoured only by
   * executors that run the job in this process; others leave it alone (progress is in the run record).
   */
  readonly observer?: RunObserver;
}

export interface SubmittedJob {
  /** The final run record; never rejects. */
  readonly finished: Promise<JobRun>;
}

/** What a caller in the executing process may watch (the CLI prints progress). */
export interface RunObserver {
  /** After every committed batch, unthrottled. */
  onProgress?(progress: BatchProgress): void;
  /** When the run pauses between batches (why, in words) and resumes (null). */
  onPause?(message: string | null): void;
}
