import { DigestColumn, SqlDialect, placeholderRows } from './sql-dialect';

/** MySQL/MariaDB character strings (JSON included: MariaDB stores it as LONGTEXT). */
export const MYSQL_TEXT_TYPES: ReadonlySet<string> = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
  'json',
]);

/**
 * MySQL/MariaDB binary strings and BIT: bytes with no character set (mysql2 hands them over as
 * Buffers; they travel through LOAD DATA as hex).
 */
export const MYSQL_BINARY_TYPES: ReadonlySet<string> = new Set([
  'binary',
  'varbinary',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'bit',
]);

/**
 * MySQL/MariaDB types compared and digested as raw bytes: strings (whose collation may fold case,
 * accents or trailing spaces), binary strings, BIT, JSON and spatial values.
 */
export const MYSQL_BYTE_TYPES = new Set([
  ...MYSQL_TEXT_TYPES,
  ...MYSQL_BINARY_TYPES,
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);

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
   * The digest input is injective: strings (and anything else that could contain the separator)
   * are length-prefixed raw bytes — so a comma inside a value cannot shift a boundary, mixed
   * collations cannot fail the CONCAT, and no collation folds 'a' into 'A' — while numbers and
   * dates, whose text never contains a comma, go in as text. NULL is `N`, which no other field
   * can be. SHA1 rather than MD5: MariaDB's `MD5()` costs ~1 µs per row, `SHA1()` ~0.3 µs
   * (decision 006).
   */
  rowDigestExpression(columns: readonly DigestColumn[]): string {
    const parts = columns.map(({ expression, dataType }) =>
      MYSQL_BYTE_TYPES.has(dataType)
        ? `IFNULL(CONCAT(LENGTH(${expression}), ':', CAST(${expression} AS BINARY)), 'N')`
        : `IFNULL(${expression}, 'N')`,
    );
    return `SHA1(CONCAT_WS(',', ${parts.join(', ')}))`;
  }

  /** Exact for numbers and dates (`<=>` on stored values), byte for byte where a collation would fold. */
  identicalValues(left: string, right: string, dataType: string): string {
    return MYSQL_BYTE_TYPES.has(dataType)
      ? `CAST(${left} AS BINARY) <=> CAST(${right} AS BINARY)`
      : `${left} <=> ${right}`;
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
