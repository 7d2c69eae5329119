import { ApiProperty } from '@nestjs/swagger';

export const SCHEDULER_JOB_KINDS = ['archive', 'purge', 'test'] as const;
export type SchedulerJobKind = (typeof SCHEDULER_JOB_KINDS)[number];

/** A job the scheduler knows: the two cron jobs, and one-off test jobs. */
export class SchedulerJobDto {
  /**
   * `archival-job`, `purge-job`, or `test-job-…`
   * @example archival-job
   */
  name: string;
  /** What it does: the archive or purge job on every enabled policy, or a test that only logs (an addition). */
  @ApiProperty({ enum: SCHEDULER_JOB_KINDS, example: 'archive' })
  job: SchedulerJobKind;
  /**
   * Cron expression (UTC; 5 fields, or 6 with seconds first); null for a one-off test job.
   * @example 0 2 * * *
   */
  cron: string | null;
  /**
   * False for the cron jobs when SCHEDULER_ENABLED=false: they are listed but never fire (an addition).
   * @example true
   */
  enabled: boolean;
  /**
   * ISO 8601, UTC; null when it will not fire (disabled, or a test job that already fired).
   * @example 2025-03-02T02:00:00.000Z
   */
  nextRunAt: string | null;
  /**
   * ISO 8601, UTC, of the last time it fired since this process started; null if never.
   * @example null
   */
  lastRunAt: string | null;
}
