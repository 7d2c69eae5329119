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

  /**
   * How a column is read so that its exact value leaves the server: MySQL prints FLOAT with six
   * significant digits (16777216 reads back as 16777200), so FLOAT is read as the DOUBLE it
   * converts to exactly. Used both to copy values and to compute digests.
   */
  exactValueExpression(quotedColumn: string, dataType: string): string;

  /** SQL expression for one row's hex digest over `columns`, identical on both databases. */
  rowDigestExpression(columns: readonly DigestColumn[]): string;

  /** `left` and `right` (two values of a column of this type) are identical, NULL included. */
  identicalValues(left: string, right: string, dataType: string): string;

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

  /**
   * `key IN (…)` for `rowCount` keys, composite keys included, given each key column's quoted name
   * and placeholder (`?` or e.g. `CAST(? AS DECIMAL(12,2))`); parameters flattened key by key.
   */
  keyInList(quotedKeyColumns: readonly string[], placeholders: readonly string[], rowCount: number): string;

  /** Formats a UTC instant as the literal the engine compares date columns with. */
  formatTimestamp(instant: Date): string;
}

/** A column as it enters a row digest: the expression that reads it, and its type. */
export interface DigestColumn {
  expression: string;
  dataType: string;
}

/** `(?, ?, …)` repeated `rowCount` times, comma-separated. */
export function placeholderRows(width: number, rowCount: number): string {
  const row = `(${new Array(width).fill('?').join(', ')})`;
  return new Array(rowCount).fill(row).join(', ');
}
