import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobRun } from '../runs/entities/job-run.entity';
import { RunRecorder } from '../runs/run-recorder';
import { AdmittedJob, JobExecutor, SubmittedJob } from '../scheduler/execution/job-executor';
import { JobQueue } from './job-queue.service';

/** How often a caller waiting for a queued run's end reads its record. */
const FINISHED_POLL_MS = 1_000;

/**
 * JOB_EXECUTION=queue: an admitted run is put on the BullMQ queue (job id = run id) and executed
 * by whichever worker takes it (`node dist/worker.js`, or any process with APP_ROLE=worker|all).
 * submit() resolves once the job is in Redis; it rejects with QueueUnavailableError when Redis
 * cannot be reached (the admission then closes the run and answers 503).
 */
@Injectable()
export class QueueExecutor implements JobExecutor {
  readonly mode = 'queue' as const;
  private readonly waitLimitMs: number;

  constructor(
    private readonly queue: JobQueue,
    private readonly recorder: RunRecorder,
    config: AppConfig,
  ) {
    this.waitLimitMs = config.jobs.timeoutSeconds * 1000;
  }

  async submit(job: AdmittedJob): Promise<SubmittedJob> {
    await this.queue.enqueueRun(job);
    return { finished: lazily(() => this.endOf(job.runId)) };
  }

  /**
   * The run's final record, read from the control database once a second: the run executes in
   * another process. Bounded by JOB_TIMEOUT_SECONDS; past it, the record as it is then. Never rejects.
   */
  private async endOf(runId: number): Promise<JobRun> {
    const deadline = Date.now() + this.waitLimitMs;
    let last: JobRun | null = null;
    for (;;) {
      try {
        last = (await this.recorder.get(runId)) ?? last;
      } catch {
        // The control database is briefly unreachable: look again.
      }
      if ((last && last.status !== 'running') || Date.now() >= deadline) {
        return last ?? Object.assign(new JobRun(), { id: runId, status: 'running' });
      }
      await sleep(FINISHED_POLL_MS);
    }
  }
}

/**
 * A promise whose work starts only when someone awaits it: the API admits a queued run and never
 * waits for its end, and must not poll the control database for it.
 */
function lazily<T>(start: () => Promise<T>): Promise<T> {
  let started: Promise<T> | null = null;
  const get = () => (started ??= start());
  const lazy: Promise<T> = {
    then: (onFulfilled, onRejected) => get().then(onFulfilled, onRejected),
    catch: (onRejected) => get().catch(onRejected),
    finally: (onFinally) => get().finally(onFinally),
    [Symbol.toStringTag]: 'Promise',
  };
  return lazy;
}
