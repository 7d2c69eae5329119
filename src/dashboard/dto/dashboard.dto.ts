import { ApiProperty } from '@nestjs/swagger';
import { ApiCountProperty, ApiIdProperty } from '../../openapi/integer-properties';
import { JOB_KINDS, JobKind, RUN_STATUSES, RunStatus } from '../../runs/entities/job-run.entity';

/** The latest run of a policy, of either job. */
export class DashboardRunDto {
  @ApiIdProperty(41)
  id: number;
  @ApiProperty({ enum: JOB_KINDS, example: 'archive' })
  job: JobKind;
  @ApiProperty({ enum: RUN_STATUSES, example: 'succeeded' })
  status: RunStatus;
  /**
   * ISO 8601, UTC.
   * @example 2025-03-02T02:00:00.125Z
   */
  startedAt: string;
  /**
   * ISO 8601, UTC; null while it runs.
   * @example 2025-03-02T02:00:02.431Z
   */
  finishedAt: string | null;
  /**
   * Why it failed or was skipped; null otherwise.
   * @example null
   */
  error: string | null;
}

/** The last backlog count of the metrics sampler (METRICS_BACKLOG_INTERVAL_SECONDS). */
export class DashboardBacklogDto {
  /** Rows of the source older than the archive cutoff that the policy would move, at the sample. */
  @ApiCountProperty(1200)
  rows: number;
  /**
   * The count stopped at METRICS_BACKLOG_MAX_ROWS: the backlog is at least `rows`.
   * @example false
   */
  capped: boolean;
  /**
   * When it was counted (ISO 8601, UTC).
   * @example 2025-03-02T09:55:00.000Z
   */
  sampledAt: string;
}

export class DashboardPolicyDto {
  /** @example orders */
  tableName: string;
  /** @example source */
  sourceConnection: string;
  /** @example archive */
  archiveConnection: string;
  /**
   * Whether scheduled jobs include it.
   * @example true
   */
  enabled: boolean;
  /** Its latest run (dry runs and skipped attempts included); null before the first. */
  @ApiProperty({
    type: DashboardRunDto,
    nullable: true,
    example: {
      id: 41,
      job: 'archive',
      status: 'succeeded',
      startedAt: '2025-03-02T02:00:00.125Z',
      finishedAt: '2025-03-02T02:00:02.431Z',
      error: null,
    },
  })
  lastRun: DashboardRunDto | null;
  /**
   * When its latest successful archive run (not a dry run) ended; null if none has.
   * @example 2025-03-02T02:00:02.431Z
   */
  lastSuccessAt: string | null;
  /**
   * When its latest successful purge run (not a dry run) ended; null if none has.
   * @example 2025-03-02T03:00:01.002Z
   */
  lastPurgeSuccessAt: string | null;
  /**
   * The archive backlog at the metrics' last sample; null when there is none: metrics off, not sampled yet,
   * or not countable cheaply (no index of the source table starts with the date column).
   */
  @ApiProperty({
    type: DashboardBacklogDto,
    nullable: true,
    example: { rows: 1200, capped: false, sampledAt: '2025-03-02T09:55:00.000Z' },
  })
  backlog: DashboardBacklogDto | null;
}

/** Totals of one UTC day, over the runs started that day (dry runs and skipped attempts left out). */
export class DashboardDayDto {
  /**
   * The day, UTC.
   * @example 2025-03-02
   */
  day: string;
  @ApiCountProperty(20000)
  rowsArchived: number;
  @ApiCountProperty(0)
  rowsPurged: number;
  /** Runs started that day. */
  @ApiCountProperty(2)
  runs: number;
  /** Of those, runs that failed. */
  @ApiCountProperty(0)
  failedRuns: number;
  /** Mean wall time of those that ended, in ms; null when none did. */
  @ApiCountProperty(2306, { nullable: true })
  avgDurationMs: number | null;
  /** Longest wall time of those that ended, in ms; null when none did. */
  @ApiCountProperty(4180, { nullable: true })
  maxDurationMs: number | null;
}

export class DashboardDto {
  /** Every policy, by table name and connection. */
  policies: DashboardPolicyDto[];
  /** One entry per day of the period, oldest first, days without runs at 0. */
  daily: DashboardDayDto[];
}
