import { JobKind, JobRun } from '../runs/entities/job-run.entity';

/** What a job is about to do, from the policy preview. */
export interface JobPlan {
  job: JobKind;
  tableName: string;
  dateColumn: string;
  /** ISO instant: rows (archive) or archived rows (purge) dated before it qualify. */
  cutoff: string;
  days: number;
  criteriaCount: number;
  rows: number;
  batchSize: number;
  dryRun: boolean;
}

/** `0.4s`, `42s`, `3m 05s`, `2h 07m`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) {
    return `${seconds.toFixed(1)}s`;
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole}s`;
  }
  if (whole < 3600) {
    return `${Math.floor(whole / 60)}m ${pad(whole % 60)}s`;
  }
  return `${Math.floor(whole / 3600)}h ${pad(Math.floor((whole % 3600) / 60))}m`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The line printed before a job starts: what qualifies and what will happen to it. */
export function describePlan(plan: JobPlan): string {
  const criteria = plan.criteriaCount > 0 ? ` matching ${plural(plan.criteriaCount, 'criterion', 'criteria')}` : '';
  const which =
    `${plan.job === 'archive' ? plural(plan.rows, 'row') : plural(plan.rows, 'archived row')}` +
    ` with ${plan.dateColumn} before ${plan.cutoff} (older than ${plural(plan.days, 'day')})${criteria}`;
  const fate = plan.job === 'archive' ? 'move to the archive' : 'are deleted from the archive';
  if (plan.dryRun) {
    const wouldFate = plan.job === 'archive' ? 'would move to the archive' : 'would be deleted from the archive';
    return `dry run of ${plan.job} "${plan.tableName}": ${which} ${wouldFate}; nothing will be changed.`;
  }
  return `${plan.job} "${plan.tableName}": ${which} ${fate}, in batches of ${plan.batchSize}.`;
}

/** Rows the run handled, in the counter of its job. */
export function rowsOf(run: Pick<JobRun, 'job' | 'rowsArchived' | 'rowsPurged'>): number {
  return run.job === 'archive' ? run.rowsArchived : run.rowsPurged;
}

/**
 * The summary line printed when a run ends: status, rows, batches, seconds, rows/s and run id.
 * `interrupted`: the user stopped it (Ctrl-C / SIGTERM).
 */
export function describeOutcome(run: JobRun, interrupted: boolean): string {
  const verb = run.job === 'archive' ? 'archived' : 'purged';
  const seconds = run.finishedAt ? Math.max(0, (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000) : 0;
  const details = run.details ?? {};
  if (run.status === 'skipped') {
    return `skipped: ${run.error ?? 'the job is already running'} (run ${run.id})`;
  }
  if (run.dryRun && run.status === 'succeeded') {
    const found = Number(details[run.job === 'archive' ? 'rowsToArchive' : 'rowsToPurge'] ?? 0);
    const batches = Number(details.batchesPlanned ?? 0);
    return (
      `dry run succeeded: ${plural(found, 'row')} would be ${verb} in ${plural(batches, 'batch', 'batches')}; ` +
      `nothing was changed (run ${run.id}, ${formatDuration(seconds)})`
    );
  }
  const rows = rowsOf(run);
  const rate = seconds > 0 ? `, ${Math.round(rows / seconds)} rows/s` : '';
  const done = `${plural(rows, 'row')} ${verb} in ${plural(run.batches, 'batch', 'batches')}, ${formatDuration(seconds)}${rate}`;
  const label = interrupted && run.status !== 'succeeded' ? 'interrupted' : run.status;
  let line = `${label}: ${done} (run ${run.id})`;
  if (run.status === 'succeeded' && details.stopReason === 'max-runtime') {
    line += '; stopped at --max-runtime: the remaining rows are left for the next run';
  } else if (label === 'interrupted') {
    line += '; the remaining rows are left for the next run';
  }
  return line;
}
