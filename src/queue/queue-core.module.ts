import { Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service';

/**
 * The queue's producer side alone (JobQueue), for the job runner's queue executor, the scheduler's
 * job schedulers and readiness. It opens a Redis connection only with JOB_EXECUTION=queue.
 */
@Module({
  providers: [JobQueue],
  exports: [JobQueue],
})
export class QueueCoreModule {}
