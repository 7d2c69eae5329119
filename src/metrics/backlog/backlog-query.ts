import { SqlDialect } from '../../database/dialect/sql-dialect';
import { IndexSchema, TableSchema } from '../../database/schema/table-schema';
import { SqlFragment, selectionPredicate } from '../../archive/engine/row-selection';
import type { Criterion } from '../../policy/criteria';

/** What a backlog count needs to know of a policy and its live table. */
export interface BacklogSpec {
  /** Schema (MySQL database) of the source table; `main` on SQLite. */
  schema: string;
  table: string;
  /** An index whose first column is `dateColumn` (see dateIndexOf). */
  index: string;
  dateColumn: string;
  /** The archive cutoff, as the dialect formats it for the engine. */
  cutoff: string;
  criteria: readonly Criterion[];
  /** Most index entries the count reads (METRICS_BACKLOG_MAX_ROWS). */
  maxRows: number;
}

/** The answer: rows read (at most maxRows) and, among them, rows the policy would archive. */
export interface BacklogRow {
  examined: number | string | bigint;
  qualifying: number | string | bigint | null;
}

/**
 * The index a backlog count walks: one whose first column is the date column, so that `date <
 * cutoff` is a range of it. The narrowest such index (fewest columns) has the smallest entries.
 */
export function dateIndexOf(table: TableSchema, dateColumn: string): IndexSchema | null {
  const candidates = table.indexes
    .filter((index) => index.columns[0] === dateColumn)
    .sort((a, b) => a.columns.length - b.columns.length || a.name.localeCompare(b.name));
  return candidates[0] ?? null;
}

/**
 * Counts a policy's backlog — rows the archive job would move now — reading at most `maxRows`
 * entries of the date index and nothing else: the date range is walked
 * through the forced index, and each row read is tested with the engine's own selection (date and
 * criteria), so the count means what a run moves. Criteria columns outside the index cost a row
 * lookup each, still at most `maxRows` of them; a table scan never happens. When `examined` reaches
 * `maxRows`, the count stopped there and is a lower bound.
 */
export function backlogCountQuery(dialect: SqlDialect, spec: BacklogSpec): SqlFragment {
  const selection = selectionPredicate(dialect, spec.dateColumn, spec.cutoff, spec.criteria);
  const dateRange = selectionPredicate(dialect, spec.dateColumn, spec.cutoff, []);
  const table = dialect.qualifiedTable(spec.schema, spec.table);
  const index = dialect.quoteIdentifier(spec.index);
  // MySQL/MariaDB take the hint as a demand; SQLite refuses the query rather than plan without it.
  const hint = dialect.engine === 'mysql' ? `FORCE INDEX (${index})` : `INDEXED BY ${index}`;
  return {
    sql:
      'SELECT COUNT(*) AS examined, COALESCE(SUM(qualifies), 0) AS qualifying FROM (' +
      `SELECT CASE WHEN ${selection.sql} THEN 1 ELSE 0 END AS qualifies FROM ${table} ${hint} ` +
      `WHERE ${dateRange.sql} LIMIT ${Math.floor(spec.maxRows)}) backlog`,
    params: [...selection.params, ...dateRange.params],
  };
}

/** The sampled backlog: rows, and whether the count stopped at the limit (a lower bound). */
export function backlogOf(row: BacklogRow | undefined, maxRows: number): { rows: number; capped: boolean } {
  const examined = Number(row?.examined ?? 0);
  return { rows: Number(row?.qualifying ?? 0), capped: examined >= maxRows };
}
