import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../queue/job-queue.service';
import { QueueWaits } from '../queue/queue-waits.service';
import { DasMetrics } from './das-metrics';

/**
 * Queue mode: the queue's depth, read at each scrape (das_queue_jobs, das_queue_up), and the wait of
 * each job a worker takes (das_queue_job_wait_seconds). Both are queue-wide: every API instance
 * reports the same queue.
 */
@Injectable()
export class QueueMetricsListener implements OnModuleInit, OnModuleDestroy {
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly queue: JobQueue,
    private readonly waits: QueueWaits,
    private readonly metrics: DasMetrics,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.metrics.enabled || !this.queue.enabled) {
      return;
    }
    this.metrics.watchQueue(() => this.queue.depth());
    this.stopListening = this.waits.listen((kind, seconds) => this.metrics.observeQueueWait(kind, seconds));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }
}
