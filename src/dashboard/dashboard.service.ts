import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { DasMetrics } from '../metrics/das-metrics';
import { LastSuccesses } from '../metrics/last-successes';
import { tableLabels } from '../metrics/metric-labels';
import { PolicyService } from '../policy/policy.service';
import { JobKind, JobRun } from '../runs/entities/job-run.entity';
import { DEFAULT_DASHBOARD_DAYS } from './dto/dashboard-query.dto';
import { DashboardDayDto, DashboardDto, DashboardPolicyDto, DashboardRunDto } from './dto/dashboard.dto';

const DAY_MS = 86_400_000;

/** A day's totals as the control database returns them (MySQL: numbers as strings). */
interface DayRow {
  day: string;
  rowsArchived: number | string | null;
  rowsPurged: number | string | null;
  runs: number | string;
  failedRuns: number | string | null;
  avgDurationMs: number | string | null;
  maxDurationMs: number | string | null;
}

/**
 * Archiving at a glance, from what DAS already keeps: policies and runs in the control database,
 * and the backlog the metrics sampler last counted (never counted again per request: a dashboard
 * left open must not load the production database). Daily totals are aggregated by the control
 * database, SQLite or MySQL/MariaDB alike.
 */
@Injectable()
export class DashboardService {
  constructor(
    @InjectRepository(JobRun, CONTROL_DB) private readonly runs: Repository<JobRun>,
    private readonly policies: PolicyService,
    private readonly metrics: DasMetrics,
    private readonly lastSuccesses: LastSuccesses,
  ) {}

  async dashboard(days: number = DEFAULT_DASHBOARD_DAYS, now: Date = new Date()): Promise<DashboardDto> {
    const policies = (await this.policies.list()).sort(
      (a, b) => a.tableName.localeCompare(b.tableName) || a.sourceConnection.localeCompare(b.sourceConnection),
    );
    const tables = [...new Set(policies.map((policy) => policy.tableName))];
    const [lastRuns, successes] = await Promise.all([this.latestRuns(tables), this.lastSuccesses.latest(tables)]);
    const successByJob = new Map(successes.map((run) => [`${run.job}\u0000${policyKey(run)}`, run]));
    const lastSuccess = (job: JobKind, key: string) =>
      successByJob.get(`${job}\u0000${key}`)?.finishedAt?.toISOString() ?? null;
    return {
      policies: policies.map((policy): DashboardPolicyDto => {
        const key = policyKey(policy);
        const lastRun = lastRuns.get(key);
        const backlog = this.metrics.backlogOf(tableLabels(policy));
        return {
          tableName: policy.tableName,
          sourceConnection: policy.sourceConnection,
          archiveConnection: policy.archiveConnection,
          enabled: Boolean(policy.enabled),
          lastRun: lastRun ? runSummary(lastRun) : null,
          lastSuccessAt: lastSuccess('archive', key),
          lastPurgeSuccessAt: lastSuccess('purge', key),
          backlog: backlog && { ...backlog, sampledAt: backlog.sampledAt.toISOString() },
        };
      }),
      daily: await this.daily(days, now),
    };
  }

  /**
   * The latest run, of any job, of each policy on `tables`: the highest id, the one started last.
   */
  private async latestRuns(tables: readonly string[]): Promise<Map<string, JobRun>> {
    if (tables.length === 0) {
      return new Map();
    }
    const rows = await this.runs
      .createQueryBuilder('run')
      .select('MAX(run.id)', 'id')
      .where('run.tableName IN (:...tables)', { tables })
      .groupBy('run.tableName')
      .addGroupBy('run.sourceConnection')
      .getRawMany<{ id: unknown }>();
    const ids = rows.map((row) => Number(row.id));
    const runs = ids.length === 0 ? [] : await this.runs.findBy({ id: In(ids) });
    return new Map(runs.map((run) => [policyKey(run), run]));
  }

  /** One entry per UTC day of the last `days` (today included), oldest first. */
  private async daily(days: number, now: Date): Promise<DashboardDayDto[]> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const first = today - (days - 1) * DAY_MS;
    const mysql = this.runs.manager.connection.options.type === 'mysql';
    // Times are stored in UTC on both engines (DATETIME(3) / SQLite text 'YYYY-MM-DD HH:MM:SS.SSS').
    const day = 'SUBSTR(CAST(started_at AS CHAR), 1, 10)';
    const duration = mysql
      ? 'TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) / 1000'
      : '(julianday(finished_at) - julianday(started_at)) * 86400000';
    const rows: DayRow[] = await this.runs.query(
      `SELECT ${day} AS day, SUM(rows_archived) AS rowsArchived, SUM(rows_purged) AS rowsPurged, ` +
        `COUNT(*) AS runs, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failedRuns, ` +
        `AVG(${duration}) AS avgDurationMs, MAX(${duration}) AS maxDurationMs ` +
        `FROM job_runs WHERE started_at >= ? AND dry_run = 0 AND status <> 'skipped' ` +
        `GROUP BY ${day} ORDER BY ${day}`,
      [new Date(first).toISOString().slice(0, 10) + ' 00:00:00'],
    );
    const byDay = new Map(rows.map((row) => [row.day, row]));
    return Array.from({ length: days }, (_, i) => {
      const date = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
      const row = byDay.get(date);
      return {
        day: date,
        rowsArchived: count(row?.rowsArchived),
        rowsPurged: count(row?.rowsPurged),
        runs: count(row?.runs),
        failedRuns: count(row?.failedRuns),
        avgDurationMs: milliseconds(row?.avgDurationMs),
        maxDurationMs: milliseconds(row?.maxDurationMs),
      };
    });
  }
}

function policyKey(policy: { readonly sourceConnection: string; readonly tableName: string }): string {
  return `${policy.sourceConnection}\u0000${policy.tableName}`;
}

function runSummary(run: JobRun): DashboardRunDto {
  return {
    id: run.id,
    job: run.job,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    error: run.error,
  };
}

function count(value: number | string | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A duration rounded to the millisecond (and never below 0, should a clock have stepped back). */
function milliseconds(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.max(0, Math.round(Number(value)));
}
