import { UnavailableError } from '../common/domain-error';

/** The queue (Redis) cannot be reached now: the job was not enqueued. Worth retrying later (503). */
export class QueueUnavailableError extends UnavailableError {
  constructor(detail: string) {
    super(`The job queue (Redis) cannot be reached: ${detail}; try again later`);
  }
}
