import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { QueueCoreModule } from './queue-core.module';
import { QueueTicks } from './queue-ticks.service';
import { QueueWaits } from './queue-waits.service';
import { QueueWorker } from './queue-worker.service';

/**
 * Queue mode (JOB_EXECUTION=queue, docs/decisions/020-queue-mode.md): the worker that consumes the
 * queue (in a process whose APP_ROLE is `worker` or `all`), the admission of scheduled ticks, and
 * the watch on job wait times for the metrics. Inert in the other modes.
 */
@Module({
  imports: [QueueCoreModule, JobRunnerModule, PolicyModule],
  providers: [QueueWorker, QueueTicks, QueueWaits],
  exports: [QueueCoreModule, QueueWaits, QueueWorker],
})
export class QueueModule {}
