import { ApiProperty } from '@nestjs/swagger';
import { EXECUTION_MODES, ExecutionMode } from '../../config/app-config';
import { ApiCountProperty } from '../../openapi/integer-properties';

/** A live process that executes jobs (or, in `process` mode, starts a job process per job). */
export class WorkerDto {
  /**
   * host:pid:random, as runs name it in `worker.workerId`.
   * @example das-7f9c4:4242:9f2c61ab
   */
  id: string;
  /**
   * Host name of its machine.
   * @example das-7f9c4
   */
  host: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 4_194_304, example: 4242 })
  pid: number;
  /** How it executes jobs (JOB_EXECUTION). */
  @ApiProperty({ enum: EXECUTION_MODES, example: 'inline' })
  mode: ExecutionMode;
  /** Jobs it executes at once (JOB_CONCURRENCY). */
  @ApiCountProperty(2)
  concurrency: number;
  /**
   * When it started (ISO 8601, UTC).
   * @example 2025-03-02T01:58:00.000Z
   */
  startedAt: string;
  /**
   * Its last heartbeat (ISO 8601, UTC); a worker silent for longer than a few heartbeats is not listed.
   * @example 2025-03-02T02:00:05.000Z
   */
  heartbeatAt: string;
  /** Ids of the runs it executes now. */
  @ApiProperty({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 999_999_999_999_999 },
    example: [41],
  })
  running: number[];
}

/** The job queue in JOB_EXECUTION=queue. */
export class QueueStatusDto {
  /**
   * Name of the queue.
   * @example das-jobs
   */
  name: string;
  /**
   * Whether the queue (Redis) answered just now; the counts are 0 when it did not.
   * @example true
   */
  reachable: boolean;
  /** Jobs waiting for a worker. */
  @ApiCountProperty(3)
  waiting: number;
  /** Jobs a worker executes now. */
  @ApiCountProperty(2)
  active: number;
  /** Jobs waiting for their time (retries with backoff). */
  @ApiCountProperty(0)
  delayed: number;
  /** Jobs that failed for good (kept for inspection). */
  @ApiCountProperty(0)
  failed: number;
}

export class WorkersDto {
  /** Live workers, oldest first. */
  @ApiProperty({ type: [WorkerDto] })
  workers: WorkerDto[];
  /** The job queue; null unless JOB_EXECUTION=queue. */
  @ApiProperty({
    type: QueueStatusDto,
    nullable: true,
    example: { name: 'das-jobs', reachable: true, waiting: 3, active: 2, delayed: 0, failed: 0 },
  })
  queue: QueueStatusDto | null;
}
