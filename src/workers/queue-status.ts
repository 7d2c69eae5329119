import { QueueStatusDto } from './dto/workers.dto';

/**
 * What GET /system/workers shows of the job queue in JOB_EXECUTION=queue. The queue executor
 * provides it under QUEUE_STATUS; without one (inline, process) the answer's `queue` is null.
 */
export interface QueueStatusSource {
  /** The queue now; never rejects (a queue that cannot be reached says so in `reachable`). */
  status(): Promise<QueueStatusDto>;
}

export const QUEUE_STATUS = Symbol('QUEUE_STATUS');
