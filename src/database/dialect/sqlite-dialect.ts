import { DigestColumn, SqlDialect, placeholderRows } from './sql-dialect';

export class SqliteDialect implements SqlDialect {
  readonly engine = 'sqlite' as const;
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32.
  readonly maxBindParameters = 30_000;
  readonly lockingReadSuffix = '';

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  qualifiedTable(schema: string, table: string): string {
    return `${this.quoteIdentifier(schema)}.${this.quoteIdentifier(table)}`;
  }

  exactValueExpression(quotedColumn: string): string {
    return quotedColumn;
  }

  rowDigestExpression(columns: readonly DigestColumn[]): string {
    return `das_row_digest(${columns.map((c) => c.expression).join(', ')})`;
  }

  /** SQLite compares with `IS`, by storage class and value: 1 IS '1' is false. */
  identicalValues(left: string, right: string): string {
    return `${left} IS ${right}`;
  }

  upsertStatement(
    table: string,
    quotedColumns: readonly string[],
    quotedKeyColumns: readonly string[],
    rowCount: number,
  ): string {
    const updates = quotedColumns.filter((c) => !quotedKeyColumns.includes(c)).map((c) => `${c} = excluded.${c}`);
    const onConflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    return (
      `INSERT INTO ${table} (${quotedColumns.join(', ')}) VALUES ${placeholderRows(quotedColumns.length, rowCount)} ` +
      `ON CONFLICT (${quotedKeyColumns.join(', ')}) ${onConflict}`
    );
  }

  keyInList(quotedKeyColumns: readonly string[], placeholders: readonly string[], rowCount: number): string {
    if (quotedKeyColumns.length === 1) {
      return `${quotedKeyColumns[0]} IN (${new Array(rowCount).fill(placeholders[0]).join(', ')})`;
    }
    const row = `(${placeholders.join(', ')})`;
    return `(${quotedKeyColumns.join(', ')}) IN (VALUES ${new Array(rowCount).fill(row).join(', ')})`;
  }

  formatTimestamp(instant: Date): string {
    return instant.toISOString().slice(0, 19).replace('T', ' ');
  }
}
