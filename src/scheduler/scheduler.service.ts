import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../queue/job-queue.service';
import { JobKind } from '../runs/entities/job-run.entity';
import { SchedulerJobDto } from './dto/scheduler-job.dto';
import { TestJobScheduledDto } from './dto/schedule-test-job.dto';
import { ScheduledJobs } from './scheduled-jobs.service';

interface CronJobSpec {
  readonly name: string;
  readonly job: JobKind;
  readonly cron: string;
}

/** Queue mode: how long to wait before trying again to set the job schedulers when Redis was unreachable. */
const SCHEDULE_SYNC_RETRY_MS = 30_000;

interface TestJob {
  readonly runAt: Date;
  firedAt: Date | null;
}

/** Fired test jobs stay listed (with lastRunAt) so their firing can be seen; only the latest few. */
const FIRED_TEST_JOBS_KEPT = 20;

/**
 * The scheduler's jobs: registers the archival and purge cron jobs from configuration (UTC) when
 * the scheduler is enabled, schedules one-off test jobs, and describes them all.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly cronJobs: readonly CronJobSpec[];
  private readonly testJobs = new Map<string, TestJob>();
  private syncRetry: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly scheduled: ScheduledJobs,
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
  ) {
    this.cronJobs = [
      { name: 'archival-job', job: 'archive', cron: config.scheduler.archivalCron },
      { name: 'purge-job', job: 'purge', cron: config.scheduler.purgeCron },
    ];
  }

  onApplicationBootstrap(): void {
    if (this.queue.enabled) {
      void this.syncQueueSchedules();
      return;
    }
    if (!this.config.scheduler.enabled) {
      this.logger.log('Scheduler disabled (SCHEDULER_ENABLED=false): archival and purge run only when asked for');
      return;
    }
    for (const spec of this.cronJobs) {
      const job = CronJob.from({
        cronTime: spec.cron,
        timeZone: 'UTC',
        name: spec.name,
        // A tick still running when the next is due makes that next one skip, instead of piling up.
        waitForCompletion: true,
        start: false,
        onTick: async () => void (await this.scheduled.runAll(spec.job)),
      });
      this.registry.addCronJob(spec.name, job);
      job.start();
      this.logger.log(`${spec.name} scheduled at "${spec.cron}" (UTC), next at ${nextRunOf(job)}`);
    }
  }

  onApplicationShutdown(): void {
    if (this.syncRetry) {
      clearTimeout(this.syncRetry);
    }
  }

  async list(): Promise<SchedulerJobDto[]> {
    const crons = this.queue.enabled ? await this.queueCronJobs() : this.localCronJobs();
    const tests = [...this.testJobs].map(([name, test]): SchedulerJobDto => ({
      name,
      job: 'test',
      cron: null,
      enabled: true,
      nextRunAt: test.firedAt ? null : test.runAt.toISOString(),
      lastRunAt: test.firedAt?.toISOString() ?? null,
    }));
    return [...crons, ...tests];
  }

  /**
   * Queue mode: the cron jobs are BullMQ job schedulers, shared by every instance (each tick is
   * enqueued once, and taken by one worker, which admits the tick's runs). Each API instance sets
   * them from its configuration at start; with SCHEDULER_ENABLED=false it removes them.
   */
  private async syncQueueSchedules(): Promise<void> {
    this.syncRetry = null;
    const enabled = this.config.scheduler.enabled;
    try {
      await this.queue.syncSchedules(this.cronJobs, enabled);
      this.logger.log(
        enabled
          ? `Job schedulers set on the queue: ${this.cronJobs.map((spec) => `${spec.name} at "${spec.cron}" (UTC)`).join(', ')}`
          : 'Scheduler disabled (SCHEDULER_ENABLED=false): job schedulers removed from the queue',
      );
    } catch (error) {
      this.logger.warn(
        `Could not set the job schedulers on the queue: ${(error as Error).message}; trying again in ` +
          `${SCHEDULE_SYNC_RETRY_MS / 1000} s`,
      );
      this.syncRetry = setTimeout(() => void this.syncQueueSchedules(), SCHEDULE_SYNC_RETRY_MS);
      this.syncRetry.unref();
    }
  }

  /** The cron jobs as the queue's job schedulers say (nextRunAt null when the queue cannot be read). */
  private async queueCronJobs(): Promise<SchedulerJobDto[]> {
    return Promise.all(
      this.cronJobs.map(async (spec): Promise<SchedulerJobDto> => {
        const next = this.config.scheduler.enabled ? await this.queue.nextTickOf(spec.name).catch(() => null) : null;
        return {
          name: spec.name,
          job: spec.job,
          cron: spec.cron,
          enabled: this.config.scheduler.enabled,
          nextRunAt: next?.toISOString() ?? null,
          lastRunAt: null,
        };
      }),
    );
  }

  private localCronJobs(): SchedulerJobDto[] {
    return this.cronJobs.map((spec): SchedulerJobDto => {
      const job = this.registry.doesExist('cron', spec.name) ? this.registry.getCronJob(spec.name) : null;
      return {
        name: spec.name,
        job: spec.job,
        cron: spec.cron,
        enabled: job !== null,
        nextRunAt: job ? nextRunOf(job) : null,
        lastRunAt: job?.lastDate()?.toISOString() ?? null,
      };
    });
  }

  /** A one-off job that only logs a line when it fires: proves the scheduler's timers work in this process. */
  scheduleTest(delaySeconds: number): TestJobScheduledDto {
    const name = `test-job-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const runAt = new Date(Date.now() + delaySeconds * 1000);
    this.testJobs.set(name, { runAt, firedAt: null });
    // Registered with Nest's registry, so that shutdown cancels it with every other timer.
    this.registry.addTimeout(
      name,
      setTimeout(() => this.fireTest(name), delaySeconds * 1000),
    );
    return { name, runAt: runAt.toISOString() };
  }

  private fireTest(name: string): void {
    const test = this.testJobs.get(name);
    this.registry.deleteTimeout(name);
    if (!test) {
      return;
    }
    test.firedAt = new Date();
    this.logger.log(`Scheduler test job ${name} fired (due at ${test.runAt.toISOString()})`);
    const fired = [...this.testJobs].filter(([, job]) => job.firedAt !== null);
    fired.slice(0, Math.max(0, fired.length - FIRED_TEST_JOBS_KEPT)).forEach(([old]) => this.testJobs.delete(old));
  }
}

function nextRunOf(job: CronJob): string | null {
  return job.isActive ? job.nextDate().toJSDate().toISOString() : null;
}
