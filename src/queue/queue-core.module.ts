import { Module } from '@nestjs/common';
import { QUEUE_STATUS, QueueStatusSource } from '../workers/queue-status';
import { JobQueue } from './job-queue.service';

/**
 * The queue's producer side alone (JobQueue), for the job runner's queue executor, the scheduler's
 * job schedulers and readiness. It opens a Redis connection only with JOB_EXECUTION=queue.
 */
@Module({
  providers: [
    JobQueue,
    // GET /system/workers shows the queue in queue mode, and `queue: null` in the others.
    // (A wrapper, not the JobQueue itself: Nest would run the queue's shutdown hook once per provider.)
    {
      provide: QUEUE_STATUS,
      inject: [JobQueue],
      useFactory: (queue: JobQueue): QueueStatusSource | null =>
        queue.enabled ? { status: () => queue.status() } : null,
    },
  ],
  exports: [JobQueue, QUEUE_STATUS],
})
export class QueueCoreModule {}
