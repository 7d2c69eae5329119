import type { JobKind } from '../runs/entities/job-run.entity';
import type { JobRequest } from '../scheduler/job-request';

/** The one BullMQ queue of DAS (Redis keys `bull:das-jobs:*`). */
export const QUEUE_NAME = 'das-jobs';

/** A job that executes one admitted run. Its BullMQ id is `run-<runId>`: a run is enqueued once. */
export const RUN_JOB = 'run';
/** A scheduled tick (from a BullMQ job scheduler): the worker that takes it admits the tick's runs. */
export const TICK_JOB = 'tick';

export interface RunJobData {
  readonly runId: number;
  readonly request: JobRequest;
}

export interface TickJobData {
  readonly job: JobKind;
}

/** BullMQ job id of a run (custom ids must not be all digits). */
export function queueJobIdOf(runId: number): string {
  return `run-${runId}`;
}

/** The run id of a `run-<id>` job id; null for any other job (ticks). */
export function runIdOfQueueJob(jobId: string | undefined): number | null {
  const match = /^run-(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : null;
}
