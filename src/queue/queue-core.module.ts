import { Module } from '@nestjs/common';
import { QUEUE_STATUS } from '../workers/queue-status';
import { JobQueue } from './job-queue.service';

/**
 * The queue's producer side alone (JobQueue), for the job runner's queue executor, the scheduler's
 * job schedulers and readiness. It opens a Redis connection only with JOB_EXECUTION=queue.
 */
@Module({
  providers: [
    JobQueue,
    // GET /system/workers shows the queue in queue mode, and `queue: null` in the others.
    { provide: QUEUE_STATUS, inject: [JobQueue], useFactory: (queue: JobQueue) => (queue.enabled ? queue : null) },
  ],
  exports: [JobQueue, QUEUE_STATUS],
})
export class QueueCoreModule {}
