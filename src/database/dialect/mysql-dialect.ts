import { SqlDialect, placeholderRows } from './sql-dialect';

export class MysqlDialect implements SqlDialect {
  readonly engine = 'mysql' as const;
  // Client-side formatting has no placeholder limit; this bounds statement size instead
  // (max_allowed_packet is 16-64 MB by default).
  readonly maxBindParameters = 60_000;
  readonly lockingReadSuffix = ' FOR UPDATE';

  quoteIdentifier(name: string): string {
    return `\`${name.replace(/`/g, '``')}\``;
  }

  qualifiedTable(schema: string, table: string): string {
    return `${this.quoteIdentifier(schema)}.${this.quoteIdentifier(table)}`;
  }

  exactValueExpression(quotedColumn: string, dataType: string): string {
    return dataType === 'float' ? `CAST(${quotedColumn} AS DOUBLE)` : quotedColumn;
  }

  /**
   * Each value is cast to binary and length-prefixed, so values containing the separator cannot
   * collide, mixed collations cannot fail the CONCAT, and NULL differs from every string.
   */
  rowDigestExpression(quotedColumns: readonly string[]): string {
    const parts = quotedColumns.map((c) => `IFNULL(CONCAT(LENGTH(${c}), ':', CAST(${c} AS BINARY)), 'N')`);
    return `MD5(CONCAT_WS(',', ${parts.join(', ')}))`;
  }

  checksumQuery(from: string, quotedColumns: readonly string[], where: string): string {
    return (
      `SELECT COUNT(*) AS count, ` +
      `COALESCE(SUM(CAST(CONV(SUBSTRING(h, 1, 15), 16, 10) AS UNSIGNED)), 0) AS sum_high, ` +
      `COALESCE(SUM(CAST(CONV(SUBSTRING(h, 16, 15), 16, 10) AS UNSIGNED)), 0) AS sum_low ` +
      `FROM (SELECT ${this.rowDigestExpression(quotedColumns)} AS h FROM ${from} WHERE ${where}) AS digests`
    );
  }

  upsertStatement(
    table: string,
    quotedColumns: readonly string[],
    quotedKeyColumns: readonly string[],
    rowCount: number,
  ): string {
    const updates = quotedColumns.filter((c) => !quotedKeyColumns.includes(c)).map((c) => `${c} = VALUES(${c})`);
    // A table made only of key columns has nothing to update; re-assigning the key keeps it idempotent.
    const assignments = updates.length > 0 ? updates : [`${quotedKeyColumns[0]} = VALUES(${quotedKeyColumns[0]})`];
    return (
      `INSERT INTO ${table} (${quotedColumns.join(', ')}) VALUES ${placeholderRows(quotedColumns.length, rowCount)} ` +
      `ON DUPLICATE KEY UPDATE ${assignments.join(', ')}`
    );
  }

  keyInList(quotedKeyColumns: readonly string[], placeholders: readonly string[], rowCount: number): string {
    if (quotedKeyColumns.length === 1) {
      return `${quotedKeyColumns[0]} IN (${new Array(rowCount).fill(placeholders[0]).join(', ')})`;
    }
    // OR of equalities rather than a row-value IN list: every MariaDB/MySQL version turns it into
    // primary-key ranges.
    const one = `(${quotedKeyColumns.map((column, i) => `${column} = ${placeholders[i]}`).join(' AND ')})`;
    return `(${new Array(rowCount).fill(one).join(' OR ')})`;
  }

  formatTimestamp(instant: Date): string {
    return `${instant.toISOString().slice(0, 23).replace('T', ' ')}000`;
  }
}
