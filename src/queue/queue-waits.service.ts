import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { AppConfig } from '../config/app-config';
import type { RedisSettings } from '../config/redis-url';
import { JobQueue, SHUTDOWN_CLOSE_MS, closeWithin } from './job-queue.service';
import { QUEUE_NAME } from './queue-names';
import { workerRedisOptions } from './redis-options';

export type QueueWaitListener = (kind: string, seconds: number) => void;

/**
 * Queue mode, API side: watches the queue's event stream for jobs that a worker (any worker) has
 * just taken, and tells listeners how long each waited (the metrics' das_queue_job_wait_seconds).
 * Runs only where metrics are served: APP_ROLE=api|all with METRICS_ENABLED.
 */
@Injectable()
export class QueueWaits implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWaits.name);
  private readonly listeners = new Set<QueueWaitListener>();
  private events: QueueEvents | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
  ) {}

  listen(listener: QueueWaitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    if (!this.queue.enabled || this.config.appRole === 'worker' || !this.config.metrics.enabled) {
      return;
    }
    const events = new QueueEvents(QUEUE_NAME, {
      connection: workerRedisOptions(this.config.queue.redis as RedisSettings),
    });
    // Connection trouble is reported by the queue itself (JobQueue); here it only must not be unhandled.
    events.on('error', () => undefined);
    events.on('active', ({ jobId }) => void this.observe(jobId));
    this.events = events;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.events) {
      await closeWithin(this.events, SHUTDOWN_CLOSE_MS);
    }
  }

  private async observe(jobId: string): Promise<void> {
    try {
      const times = await this.queue.timesOf(jobId);
      if (!times || this.listeners.size === 0) {
        return;
      }
      const seconds = (times.processedOn - times.readyAt) / 1000;
      this.listeners.forEach((listener) => listener(times.kind, seconds));
    } catch (error) {
      this.logger.debug(`Could not read the times of queue job ${jobId}: ${(error as Error).message}`);
    }
  }
}
