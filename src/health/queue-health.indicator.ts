import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue } from '../queue/job-queue.service';
import { PING_TIMEOUT_MS } from './database-health.indicator';

/**
 * Readiness of the job queue (Redis), in queue mode only: there the API cannot admit a job without
 * it. In the other modes no check is made and `/ready` says nothing about a queue. Answered within
 * the databases' ping timeout, like them.
 */
@Injectable()
export class QueueHealthIndicator {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: JobQueue,
  ) {}

  checks(): HealthIndicatorFunction[] {
    return this.queue.enabled ? [() => this.ping()] : [];
  }

  private async ping(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('queue');
    try {
      await this.queue.ping(PING_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn(`the job queue is not ready: ${message}`);
      return check.down({ message });
    }
  }
}
