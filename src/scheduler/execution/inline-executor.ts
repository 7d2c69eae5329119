import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { JobRun } from '../../runs/entities/job-run.entity';
import { AdmittedJob, JobExecutor, SubmittedJob } from './job-executor';
import { ShuttingDownError } from './job-errors';
import { JobSlots } from './job-slots';
import { RunExecution } from './run-execution.service';

/**
 * JOB_EXECUTION=inline (the default): jobs execute in the process that admitted them, at most
 * JOB_CONCURRENCY at once; the others wait for a slot (their record open, `worker` still null).
 * With a slot free, submit() resolves once the run has taken its lease (or was skipped), so that
 * a second request for the same job right after sees the first one running.
 */
@Injectable()
export class InlineExecutor implements JobExecutor, BeforeApplicationShutdown {
  readonly mode = 'inline' as const;
  private readonly logger = new Logger(InlineExecutor.name);
  private readonly slots: JobSlots;

  constructor(
    private readonly execution: RunExecution,
    config: AppConfig,
  ) {
    this.slots = new JobSlots(config.jobs.concurrency);
  }

  async submit(job: AdmittedJob): Promise<SubmittedJob> {
    if (!this.execution.acceptingJobs) {
      throw new ShuttingDownError();
    }
    if (this.slots.free) {
      return this.begin(job, await this.slots.acquire());
    }
    this.logger.log(`Run ${job.runId} waits for one of ${this.slots.size} job slots (JOB_CONCURRENCY)`);
    const begun = this.slots.acquire().then((release) => this.begin(job, release));
    return { finished: begun.then((started) => started.finished) };
  }

  /** Jobs waiting for a slot in this process. */
  get waiting(): number {
    return this.slots.queued;
  }

  beforeApplicationShutdown(): void {
    // Waiting runs go through now and are refused by the execution, which records them `stopped`.
    this.execution.stopAccepting();
    this.slots.close();
  }

  /** Starts the run in its slot; its end frees the slot. Never rejects. */
  private async begin(job: AdmittedJob, release: () => void): Promise<SubmittedJob> {
    let finished: Promise<JobRun>;
    try {
      finished = (await this.execution.begin(job)).finished;
    } catch (error) {
      finished = this.execution.closeUnexecuted(job, error);
    }
    void finished.finally(release);
    return { finished };
  }
}
