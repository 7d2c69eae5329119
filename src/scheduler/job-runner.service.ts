import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { PolicyService } from '../policy/policy.service';
import { JobRun } from '../runs/entities/job-run.entity';
import { RunRecorder } from '../runs/run-recorder';
import { JOB_EXECUTOR, JobExecutor, RunObserver, SubmittedJob } from './execution/job-executor';
import {
  JobAlreadyRunningError,
  RunAlreadyFinishedError,
  RunNotFoundError,
  ShuttingDownError,
} from './execution/job-errors';
import { RunExecution } from './execution/run-execution.service';
import { JobLeaseService } from './job-lease.service';
import { JobRequest, leaseNameOf } from './job-request';
import { skippedOutcome } from './run-outcome';

type Admitted = { skipped: true; run: JobRun } | ({ skipped: false; run: JobRun } & SubmittedJob);

/**
 * Admits archive and purge jobs (the API, the scheduler's ticks, the CLI): checks the request,
 * opens the run record, and hands the run to the configured JobExecutor (JOB_EXECUTION), which
 * executes it here, in a child process or on a queue worker. It throws domain errors only
 * (job-errors.ts); each caller's edge maps them.
 *
 * A job already running on the policy is recognised here already (its lease is held), so that the
 * API can answer 409 at once; the execution checks again when it takes the lease, and a run that
 * loses that race is recorded `skipped` there.
 */
@Injectable()
export class JobRunner implements BeforeApplicationShutdown {
  private closing = false;

  constructor(
    private readonly policies: PolicyService,
    private readonly leases: JobLeaseService,
    private readonly recorder: RunRecorder,
    private readonly execution: RunExecution,
    private readonly audit: AuditService,
    @Inject(JOB_EXECUTOR) private readonly executor: JobExecutor,
  ) {}

  /** False once shutdown has begun: nothing new is admitted. */
  get acceptingJobs(): boolean {
    return !this.closing;
  }

  /** Where admitted jobs execute. */
  get mode(): JobExecutor['mode'] {
    return this.executor.mode;
  }

  /**
   * Admits the job and returns its open record (status `running`); it executes in the background.
   * @throws NotFoundError when the table has no policy
   * @throws JobAlreadyRunningError when the job already runs on that policy (the attempt is recorded as `skipped`)
   * @throws ShuttingDownError during shutdown
   */
  async start(request: JobRequest): Promise<JobRun> {
    const admitted = await this.admit(request);
    if (admitted.skipped) {
      throw new JobAlreadyRunningError(admitted.run.error ?? 'the job is already running', admitted.run.id);
    }
    return admitted.run;
  }

  /**
   * Admits the job and waits for its end: the final record is `succeeded`, `failed` (with `error`),
   * `stopped`, or `skipped` when the job already runs on that policy. Run failures are recorded, not
   * thrown. `observer` sees progress when the job executes in this process.
   * @throws NotFoundError when the table has no policy
   * @throws ShuttingDownError during shutdown
   */
  async runToCompletion(request: JobRequest, observer?: RunObserver): Promise<JobRun> {
    const admitted = await this.admit(request, observer);
    return admitted.skipped ? admitted.run : admitted.finished;
  }

  /**
   * Asks a running run to stop, wherever it executes: the executing process reads the request from
   * the control database within a batch, lets the batch in flight finish (or roll back, per the
   * protocol) and records the run `cancelled`. A run that has not started yet ends at its start.
   * Returns the record with the request on it.
   * @throws RunNotFoundError when there is no such run
   * @throws RunAlreadyFinishedError when it has already ended
   */
  async requestCancel(runId: number, requestedBy: string): Promise<JobRun> {
    const asked = await this.recorder.requestCancel(runId, requestedBy);
    const run = await this.recorder.get(runId);
    if (!run) {
      throw new RunNotFoundError(runId);
    }
    if (!asked) {
      throw new RunAlreadyFinishedError(runId, run.status);
    }
    await this.audit.record({
      actor: requestedBy,
      action: 'run.cancel',
      tableName: run.tableName,
      connection: run.sourceConnection,
      details: { runId, job: run.job },
    });
    return run;
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  private async admit(request: JobRequest, observer?: RunObserver): Promise<Admitted> {
    if (this.closing) {
      throw new ShuttingDownError();
    }
    const policy = await this.policies.findByTable(request.tableName, request.sourceConnection);
    const run = await this.recorder.open(request, policy);
    let holder;
    try {
      holder = await this.leases.holderOf(leaseNameOf(request));
    } catch (error) {
      await this.execution.closeUnexecuted({ runId: run.id, request }, error);
      throw error;
    }
    if (holder) {
      return { skipped: true, run: await this.execution.conclude(run, skippedOutcome(request, holder)) };
    }
    try {
      const submitted = await this.executor.submit({ runId: run.id, request, observer });
      return { skipped: false, run, finished: submitted.finished };
    } catch (error) {
      await this.execution.closeUnexecuted({ runId: run.id, request }, error);
      throw error;
    }
  }
}
