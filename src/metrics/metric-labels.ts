import type { PauseReason } from '../archive/engine/throttle';
import type { JobKind } from '../runs/entities/job-run.entity';

/**
 * The labels of DAS's series, built in one place from a run or a policy. Everything about a table is
 * labelled by what these functions return: the source connection and the table, since one table name
 * may be archived from two connections (a new dimension is added here and in the name lists below).
 */
export interface TableLabels {
  connection: string;
  table: string;
}

export interface JobTableLabels extends TableLabels {
  job: JobKind;
}

/** Label names, in the order prom-client is told them; they must match the objects below. */
export const TABLE_LABEL_NAMES = ['connection', 'table'] as const;
export const JOB_TABLE_LABEL_NAMES = ['job', 'connection', 'table'] as const;

/** A policy, or a run of it: tables come from policies, so the label set stays bounded. */
export function tableLabels(source: { readonly sourceConnection: string; readonly tableName: string }): TableLabels {
  return { connection: source.sourceConnection, table: source.tableName };
}

export function jobTableLabels(run: {
  readonly job: JobKind;
  readonly sourceConnection: string;
  readonly tableName: string;
}): JobTableLabels {
  return { job: run.job, ...tableLabels(run) };
}

/** The table part of a job's labels. */
export function tablePart(labels: JobTableLabels): TableLabels {
  return { connection: labels.connection, table: labels.table };
}

/** Why runs pause, as the throttling between batches names it; a new reason fails to compile here. */
const PAUSE_REASONS: Record<PauseReason, true> = { 'replica-lag': true, 'threads-running': true };

/** Listed so that their series exist at 0 from the start. */
export const KNOWN_PAUSE_REASONS = Object.keys(PAUSE_REASONS) as PauseReason[];

/** The shape of a reason the code names; anything else (never expected) is folded into `other`. */
const PAUSE_REASON = /^[a-z][a-z0-9-]{0,39}$/;

/** The `reason` label of a pause: the code's own reason names, so at most a handful of values. */
export function pauseReasonLabel(reason: string): string {
  return PAUSE_REASON.test(reason) ? reason : 'other';
}

/** Series key of a label set, for this process's own bookkeeping. */
export function labelKey(labels: object): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
