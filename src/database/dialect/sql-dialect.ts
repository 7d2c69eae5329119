/**
 * The few places where MySQL/MariaDB and SQLite SQL differ. Everything takes identifiers that were
 * already validated against the live schema; quoting here is the second line of defence.
 */
export interface SqlDialect {
  readonly engine: 'mysql' | 'sqlite';
  /** Most bind parameters one statement may carry (the engines split larger batches). */
  readonly maxBindParameters: number;

  quoteIdentifier(name: string): string;
  /** `schema.table` where the engine needs it, quoted. */
  qualifiedTable(schema: string, table: string): string;

  /** ` FOR UPDATE` where the engine has row locks; SQLite relies on BEGIN IMMEDIATE instead. */
  readonly lockingReadSuffix: string;

  /** SQL expression for one row's MD5 hex digest over `columns` (each quoted), identical on both databases. */
  rowDigestExpression(quotedColumns: readonly string[]): string;

  /**
   * A SELECT returning one row with `count`, `sum_high`, `sum_low`: the RowSetChecksum of the rows
   * of `from` (a quoted, qualified table) that match `where`.
   */
  checksumQuery(from: string, quotedColumns: readonly string[], where: string): string;

  /**
   * Multi-row upsert keyed by the primary key: a re-run after a crash overwrites its earlier copy
   * instead of failing or duplicating.
   */
  upsertStatement(
    table: string,
    quotedColumns: readonly string[],
    quotedKeyColumns: readonly string[],
    rowCount: number,
  ): string;

  /** `key IN (…)` for `rowCount` keys, composite keys included; parameters flattened key by key. */
  keyInList(quotedKeyColumns: readonly string[], rowCount: number): string;

  /** Formats a UTC instant as the literal the engine compares date columns with. */
  formatTimestamp(instant: Date): string;
}

/** `(a > ?) OR (a = ? AND b > ?) …`: strictly after a composite key, in key order, usable by a range scan. */
export function keysetAfter(quotedKeyColumns: readonly string[]): {
  sql: string;
  params: (lastKey: readonly unknown[]) => unknown[];
} {
  const clauses = quotedKeyColumns.map((column, index) => {
    const equalities = quotedKeyColumns.slice(0, index).map((previous) => `${previous} = ?`);
    return `(${[...equalities, `${column} > ?`].join(' AND ')})`;
  });
  return {
    sql: clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`,
    params: (lastKey) => quotedKeyColumns.flatMap((_, index) => lastKey.slice(0, index + 1)),
  };
}

/** `(?, ?, …)` repeated `rowCount` times, comma-separated. */
export function placeholderRows(width: number, rowCount: number): string {
  const row = `(${new Array(width).fill('?').join(', ')})`;
  return new Array(rowCount).fill(row).join(', ');
}
