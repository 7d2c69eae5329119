import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import type { RedisSettings } from '../config/redis-url';
import { configuredSecrets, createSecretScrubber } from '../logging/secret-scrubber';
import { JobRun } from '../runs/entities/job-run.entity';
import { RunRecorder } from '../runs/run-recorder';
import { RunExecution } from '../scheduler/execution/run-execution.service';
import { JobLeaseService } from '../scheduler/job-lease.service';
import { leaseNameOf } from '../scheduler/job-request';
import { QueueTicks } from './queue-ticks.service';
import { QUEUE_NAME, RUN_JOB, RunJobData, TICK_JOB, TickJobData } from './queue-names';
import { SHUTDOWN_CLOSE_MS, answerWithin, closeWithin } from './job-queue.service';
import { workerRedisOptions } from './redis-options';

/** What a run job's attempt returns (kept with the completed job in Redis). */
export interface RunJobResult {
  readonly runId: number;
  readonly status: JobRun['status'];
  /** This attempt found the run already ended (a redelivery): it executed nothing. */
  readonly alreadyEnded: boolean;
}

/** While a previous attempt of the same run may still hold its lease, how often to look again. */
const LEASE_POLL_MS = 1_000;

/**
 * The consumer side of queue mode: in a process whose APP_ROLE is `worker` or `all`, takes jobs off
 * the queue, JOB_CONCURRENCY at a time, and executes each in this process (RunExecution: lease,
 * engine, record). A run is executed at most once to its end, whatever BullMQ redelivers:
 *  - an attempt that finds its run already ended (a worker that lost Redis finished it anyway)
 *    executes nothing;
 *  - an attempt that finds its run's lease still held by an earlier attempt (a worker that died,
 *    or one cut off from Redis but still running) waits until that lease is released or has
 *    expired (JOB_LEASE_TTL_SECONDS), then looks again; the lease takeover and the archival
 *    protocol make the rows it had moved count once.
 * A job that keeps failing (its worker dying each time, the control database unreachable) is tried
 * QUEUE_JOB_ATTEMPTS times, then lands in BullMQ's failed set, and its run is recorded `failed`.
 */
@Injectable()
export class QueueWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorker.name);
  private readonly scrub: (text: string) => string;
  private worker: Worker<RunJobData | TickJobData, RunJobResult | { admitted: number }> | null = null;
  private readonly leaseWaitMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly execution: RunExecution,
    private readonly recorder: RunRecorder,
    private readonly leases: JobLeaseService,
    private readonly ticks: QueueTicks,
  ) {
    this.scrub = createSecretScrubber(configuredSecrets(config));
    // A dead attempt's lease lapses within JOB_LEASE_TTL_SECONDS. One that is still renewed belongs
    // to an attempt that is alive (cut off from Redis for a while, its BullMQ lock lost): this one
    // waits for it to end the run, at most as long as a job may last.
    this.leaseWaitMs = Math.max(config.jobs.timeoutSeconds, 2 * config.jobLeaseTtlSeconds) * 1000;
  }

  /** Whether this process consumes the queue. */
  get enabled(): boolean {
    return this.config.jobs.execution === 'queue' && this.config.appRole !== 'api';
  }

  /** This process's name on the queue (stored on every job it takes). */
  get name(): string {
    return `${hostname()}:${process.pid}`;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      return;
    }
    const redis = this.config.queue.redis as RedisSettings;
    const stalledMs = this.config.queue.stalledSeconds * 1000;
    const worker = new Worker<RunJobData | TickJobData, RunJobResult | { admitted: number }>(
      QUEUE_NAME,
      (job, token) => this.process(job, token),
      {
        connection: workerRedisOptions(redis),
        name: this.name,
        concurrency: this.config.jobs.concurrency,
        lockDuration: stalledMs,
        stalledInterval: stalledMs,
        // A job whose worker died is put back this many times, then failed (bounded like any retry).
        maxStalledCount: Math.max(0, this.config.queue.attempts - 1),
      },
    );
    let down = false;
    worker.on('error', (error: Error) => {
      if (!down) {
        down = true;
        this.logger.warn(`The queue worker lost Redis (${redis.display}): ${this.scrub(error.message)}`);
      }
    });
    worker.on('ready', () => {
      if (down) {
        down = false;
        this.logger.log(`The queue worker reached Redis again (${redis.display})`);
      }
    });
    worker.on('stalled', (jobId: string) =>
      this.logger.warn(`Queue job ${jobId} stalled (its worker died or hangs): put back in the queue`),
    );
    worker.on('failed', (job, error) => {
      if (job) {
        this.logger.warn(`Queue job ${job.id} attempt ${job.attemptsMade} failed: ${this.scrub(error.message)}`);
        void this.closeIfGivenUp(job as Job<RunJobData>, error);
      }
    });
    this.worker = worker;
    this.logger.log(
      `Consuming queue "${QUEUE_NAME}" on ${redis.display} as ${this.name}, ${this.config.jobs.concurrency} job(s) at a time`,
    );
  }

  /** Takes no new job from now on; the runs in flight are stopped by the execution's shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.execution.stopAccepting();
    if (this.worker) {
      // Not waited for: with Redis away it would not answer; a job taken meanwhile is handed back.
      void answerWithin(this.worker.pause(true), SHUTDOWN_CLOSE_MS, 'pause the queue worker').catch(() => undefined);
    }
  }

  /** Hands back to BullMQ what the stopped runs returned, then disconnects (bounded). */
  async onApplicationShutdown(): Promise<void> {
    if (this.worker && !(await closeWithin(this.worker, SHUTDOWN_CLOSE_MS))) {
      this.logger.warn(
        'The queue worker did not close cleanly (Redis unreachable): its jobs go back to the queue once their ' +
          'lock lapses, and find their runs ended',
      );
    }
  }

  private async process(
    job: Job<RunJobData | TickJobData>,
    token: string | undefined,
  ): Promise<RunJobResult | { admitted: number }> {
    if (!this.execution.acceptingJobs) {
      // Taken in the instant shutdown began: handed back untouched (not an attempt) for another worker.
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    switch (job.name) {
      case TICK_JOB:
        return { admitted: await this.ticks.admit((job.data as TickJobData).job, tickTimeOf(job)) };
      case RUN_JOB:
        return this.executeRun(job as Job<RunJobData>);
      default:
        // Thrown as an Error: BullMQ fails the job with this message (after its attempts).
        throw new Error(`unknown queue job "${job.name}" (id ${job.id})`);
    }
  }

  private async executeRun(job: Job<RunJobData>): Promise<RunJobResult> {
    const { runId, request } = job.data;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const before = await this.recorder.get(runId);
      if (before && before.status !== 'running') {
        return { runId, status: before.status, alreadyEnded: true };
      }
      const ended = await this.waitForEarlierAttempt(runId, leaseNameOf(request));
      if (ended) {
        return { runId, status: ended.status, alreadyEnded: true };
      }
      const final = await this.execution.execute({ runId, request });
      return { runId, status: final.status, alreadyEnded: false };
    } catch (error) {
      if (lastAttempt) {
        // BullMQ gives up on the job: its run must not stay `running`.
        await this.execution.closeUnexecuted(
          { runId, request },
          new Error(`the queue gave up after ${job.attemptsMade + 1} attempt(s): ${(error as Error).message}`),
        );
      }
      throw error;
    }
  }

  /**
   * A job BullMQ failed for good without its processor closing the run (it stalled more often than
   * QUEUE_JOB_ATTEMPTS allows: its workers kept dying): the run is recorded `failed` with why,
   * unless a process still holds its lease (that one records the end). Never rejects.
   */
  private async closeIfGivenUp(job: Job<RunJobData>, error: Error): Promise<void> {
    try {
      if (job.name !== RUN_JOB || !(await job.isFailed())) {
        return;
      }
      const { runId, request } = job.data;
      // A dead attempt's lease lapses first (nobody else will execute the run now); one that is
      // still renewed belongs to a live process, which records the end itself.
      const ended = await this.waitForEarlierAttempt(runId, leaseNameOf(request)).catch(() => 'alive' as const);
      if (ended !== null) {
        return;
      }
      await this.execution.closeUnexecuted(
        { runId, request },
        new Error(`the queue gave up on it after ${job.attemptsMade} attempt(s): ${error.message}`),
      );
    } catch (closeError) {
      this.logger.warn(
        `Could not close the run of failed queue job ${job.id}: ${this.scrub((closeError as Error).message)}`,
      );
    }
  }

  /**
   * Waits while an earlier attempt of this run holds its lease (bounded); returns the run's record
   * when that attempt has ended the run meanwhile, null when this attempt should execute it.
   */
  private async waitForEarlierAttempt(runId: number, leaseName: string): Promise<JobRun | null> {
    const deadline = Date.now() + this.leaseWaitMs;
    for (;;) {
      const holder = await this.leases.holderOf(leaseName);
      if (!holder || holder.runId !== runId) {
        break;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `run ${runId} is still being executed by ${holder.owner} (its lease is renewed until ` +
            `${holder.expiresAt.toISOString()}) after JOB_TIMEOUT_SECONDS; this attempt leaves it to that process`,
        );
      }
      await sleep(Math.min(LEASE_POLL_MS, Math.max(0, deadline - Date.now())));
    }
    const run = await this.recorder.get(runId);
    return run && run.status !== 'running' ? run : null;
  }
}

/** The time of a scheduled tick: when its job scheduler meant it to fire, to the second. */
function tickTimeOf(job: Job): string {
  const planned = job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0);
  return new Date(Math.floor(planned / 1000) * 1000).toISOString();
}
