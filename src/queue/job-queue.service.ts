import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import type { RedisSettings } from '../config/redis-url';
import { configuredSecrets, createSecretScrubber } from '../logging/secret-scrubber';
import { JobKind } from '../runs/entities/job-run.entity';
import type { AdmittedJob } from '../scheduler/execution/job-executor';
import type { QueueStatusDto } from '../workers/dto/workers.dto';
import type { QueueStatusSource } from '../workers/queue-status';
import { QueueUnavailableError } from './queue-errors';
import { QUEUE_NAME, RUN_JOB, RunJobData, TICK_JOB, TickJobData, queueJobIdOf } from './queue-names';
import { REDIS_COMMAND_TIMEOUT_MS, producerRedisOptions } from './redis-options';
import { withTimeout } from '../common/with-timeout';

type QueueJobData = RunJobData | TickJobData;

/** Jobs of the queue by state (BullMQ's names; `waiting` is `wait`). */
export interface QueueDepth {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** A cron job of the scheduler, as a BullMQ job scheduler. */
export interface TickSchedule {
  readonly name: string;
  readonly job: JobKind;
  readonly cron: string;
}

/** Finished jobs kept in Redis for inspection: the latest day of completed ones, a week of failed ones. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 5000 };

/** At shutdown, how long a queue or worker may take to close cleanly before its connections are dropped. */
export const SHUTDOWN_CLOSE_MS = 3_000;

/** First retry of a failed job after 5 s, then 10 s, 20 s… */
const RETRY_BACKOFF_MS = 5_000;

/**
 * The producer side of queue mode (JOB_EXECUTION=queue): enqueues admitted runs and scheduled ticks
 * on BullMQ, reports the queue's depth, answers whether Redis is reachable. In any other mode it
 * holds no connection and `enabled` is false.
 *
 * Every call is bounded: commands fail at once while Redis is unreachable and time out after
 * REDIS_COMMAND_TIMEOUT_MS (see redis-options.ts).
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown, QueueStatusSource {
  private readonly logger = new Logger(JobQueue.name);
  private readonly queue: Queue<QueueJobData> | null;
  private readonly attempts: number;
  private readonly scrub: (text: string) => string;

  constructor(config: AppConfig) {
    this.attempts = config.queue.attempts;
    this.scrub = createSecretScrubber(configuredSecrets(config));
    this.queue = config.jobs.execution === 'queue' ? this.open(config.queue.redis as RedisSettings) : null;
  }

  get enabled(): boolean {
    return this.queue !== null;
  }

  /** Puts an admitted run on the queue, once: its BullMQ id is its run id. */
  async enqueueRun(job: AdmittedJob): Promise<void> {
    const queue = this.required();
    const data: RunJobData = { runId: job.runId, request: job.request };
    await this.guard('enqueue', () =>
      queue.add(RUN_JOB, data, {
        jobId: queueJobIdOf(job.runId),
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: RETRY_BACKOFF_MS },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      }),
    );
  }

  /**
   * Makes the queue's job schedulers match the scheduler's cron jobs: one BullMQ job scheduler per
   * cron job (upserted by every API instance alike: each tick is enqueued once, however many
   * instances run), or none when the scheduler is disabled.
   */
  async syncSchedules(schedules: readonly TickSchedule[], enabled: boolean): Promise<void> {
    const queue = this.required();
    for (const schedule of schedules) {
      if (enabled) {
        const data: TickJobData = { job: schedule.job };
        await this.guard('upsert a job scheduler', () =>
          queue.upsertJobScheduler(
            schedule.name,
            { pattern: schedule.cron, tz: 'UTC' },
            {
              name: TICK_JOB,
              data,
              opts: {
                attempts: this.attempts,
                backoff: { type: 'exponential', delay: RETRY_BACKOFF_MS },
                removeOnComplete: KEEP_COMPLETED,
                removeOnFail: KEEP_FAILED,
              },
            },
          ),
        );
      } else {
        await this.guard('remove a job scheduler', () => queue.removeJobScheduler(schedule.name));
      }
    }
  }

  /** When a job scheduler fires next (null when it does not exist). */
  async nextTickOf(name: string): Promise<Date | null> {
    const scheduler = await this.guard('read a job scheduler', () => this.required().getJobScheduler(name));
    return scheduler?.next ? new Date(scheduler.next) : null;
  }

  /**
   * A job's kind (run, tick), when it became ready to be taken (its delay over), and when a worker
   * took it; null once the job is gone or not taken yet.
   */
  async timesOf(jobId: string): Promise<{ kind: string; readyAt: number; processedOn: number } | null> {
    const job = await this.guard('read a job', () => this.required().getJob(jobId));
    if (!job?.processedOn) {
      return null;
    }
    return { kind: job.name, readyAt: job.timestamp + (job.opts.delay ?? 0), processedOn: job.processedOn };
  }

  async depth(): Promise<QueueDepth> {
    const counts = await this.guard('count jobs', () =>
      this.required().getJobCounts('wait', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
    );
    return {
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    };
  }

  /** What GET /system/workers shows of the queue. Never rejects: an unreachable queue says so. */
  async status(): Promise<QueueStatusDto> {
    try {
      const { waiting, active, delayed, failed } = await this.depth();
      return { name: QUEUE_NAME, reachable: true, waiting, active, delayed, failed };
    } catch {
      return { name: QUEUE_NAME, reachable: false, waiting: 0, active: 0, delayed: 0, failed: 0 };
    }
  }

  /** Resolves when the queue answers (one cheap read) within `timeoutMs`; rejects with why not. */
  async ping(timeoutMs = REDIS_COMMAND_TIMEOUT_MS): Promise<void> {
    const queue = this.required();
    await this.guard('ping', () => queue.getJobCountByTypes('wait'), timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.queue && !(await closeWithin(this.queue, SHUTDOWN_CLOSE_MS))) {
      this.logger.warn('The job queue did not close cleanly (Redis unreachable): its connection was dropped');
    }
  }

  private open(redis: RedisSettings): Queue<QueueJobData> {
    const queue: Queue<QueueJobData> = new Queue(QUEUE_NAME, { connection: producerRedisOptions(redis) });
    let down = false;
    // Without a listener, a connection error would be an unhandled 'error' event. Said once per outage.
    queue.on('error', (error: Error) => {
      if (!down) {
        down = true;
        this.logger.warn(`The job queue lost Redis (${redis.display}): ${this.scrub(error.message)}`);
      }
    });
    void queue.getBackend().client.then(
      (client) =>
        client.on('ready', () => {
          if (down) {
            down = false;
            this.logger.log(`The job queue reached Redis again (${redis.display})`);
          }
        }),
      () => undefined,
    );
    return queue;
  }

  private required(): Queue<QueueJobData> {
    if (!this.queue) {
      throw new Error('The job queue is only used with JOB_EXECUTION=queue');
    }
    return this.queue;
  }

  /**
   * Runs a queue call within `timeoutMs` (by default a little more than REDIS_COMMAND_TIMEOUT_MS: a
   * call waits for a connection that is still being made); any failure becomes a QueueUnavailableError.
   */
  private async guard<T>(
    what: string,
    call: () => Promise<T>,
    timeoutMs = REDIS_COMMAND_TIMEOUT_MS + 1_000,
  ): Promise<T> {
    try {
      return await answerWithin(call(), timeoutMs, what);
    } catch (error) {
      throw new QueueUnavailableError(this.scrub((error as Error).message));
    }
  }
}

/** `work`, or a rejection saying that `what` did not answer within `ms`. */
export function answerWithin<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(work, ms, () => new Error(`${what} did not answer within ${ms} ms`));
}

/**
 * Closes a BullMQ queue, worker or event reader at shutdown: cleanly (finishing what it hands back
 * to Redis) when Redis answers, else its connections are dropped after `ms` — shutdown must not wait
 * for a Redis that is away. Never rejects.
 */
export async function closeWithin(
  closable: { close(): Promise<void>; disconnect(): Promise<void> },
  ms: number,
): Promise<boolean> {
  try {
    await answerWithin(closable.close(), ms, 'close');
    return true;
  } catch {
    await answerWithin(closable.disconnect(), 1_000, 'disconnect').catch(() => undefined);
    return false;
  }
}
