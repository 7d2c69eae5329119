import { SqlDialect } from '../../database/dialect/sql-dialect';
import { ColumnSchema, TableSchema } from '../../database/schema/table-schema';

export const ARCHIVED_AT = 'archived_at';
export const ARCHIVE_RUN_ID = 'archive_run_id';

/**
 * DDL of an archive table: the source columns with the same types, the same primary key, plus
 * `archived_at` and `archive_run_id`. No auto-increment, defaults, foreign keys or triggers: the
 * archive only ever receives copies. Non-key columns are nullable so that a column later dropped
 * from the source simply stays empty in newer archived rows. An index on the date column serves
 * purge and the read API's from/to filter.
 */
export function createArchiveTableStatements(
  dialect: SqlDialect,
  schema: string,
  source: TableSchema,
  dateColumn: string,
): string[] {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const keyColumns = new Set(source.primaryKey);
  const columnLines = source.columns.map((column) => columnDefinition(dialect, column, keyColumns.has(column.name)));
  const metaLines =
    dialect.engine === 'mysql'
      ? [`${q(ARCHIVED_AT)} DATETIME(6) NOT NULL`, `${q(ARCHIVE_RUN_ID)} BIGINT NOT NULL`]
      : [`${q(ARCHIVED_AT)} DATETIME NOT NULL`, `${q(ARCHIVE_RUN_ID)} INTEGER NOT NULL`];
  const primaryKey = `PRIMARY KEY (${source.primaryKey.map(q).join(', ')})`;
  const table = dialect.qualifiedTable(schema, source.name);
  const indexName = archiveDateIndexName(source.name, dateColumn);
  if (dialect.engine === 'mysql') {
    return [
      `CREATE TABLE ${table} (\n  ${[...columnLines, ...metaLines, primaryKey, `KEY ${q(indexName)} (${q(dateColumn)})`].join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ];
  }
  return [
    `CREATE TABLE ${table} (\n  ${[...columnLines, ...metaLines, primaryKey].join(',\n  ')}\n)`,
    `CREATE INDEX ${dialect.qualifiedTable(schema, indexName)} ON ${q(source.name)} (${q(dateColumn)})`,
  ];
}

export function addColumnStatement(dialect: SqlDialect, schema: string, table: string, column: ColumnSchema): string {
  return `ALTER TABLE ${dialect.qualifiedTable(schema, table)} ADD COLUMN ${columnDefinition(dialect, column, false)}`;
}

/** MySQL only: SQLite cannot change a column's type (and, being dynamically typed, need not). */
export function modifyColumnStatement(
  dialect: SqlDialect,
  schema: string,
  table: string,
  column: ColumnSchema,
  isKey: boolean,
): string {
  return `ALTER TABLE ${dialect.qualifiedTable(schema, table)} MODIFY COLUMN ${columnDefinition(dialect, column, isKey)}`;
}

export function archiveDateIndexName(table: string, dateColumn: string): string {
  return `das_${table}_${dateColumn}`.slice(0, 64);
}

function columnDefinition(dialect: SqlDialect, column: ColumnSchema, isKey: boolean): string {
  const name = dialect.quoteIdentifier(column.name);
  if (dialect.engine === 'sqlite') {
    return [name, column.columnType, isKey ? 'NOT NULL' : ''].filter(Boolean).join(' ');
  }
  const charset = column.charset
    ? ` CHARACTER SET ${column.charset}${column.collation ? ` COLLATE ${column.collation}` : ''}`
    : '';
  // An explicit NULL DEFAULT NULL also stops MariaDB from giving a TIMESTAMP column an automatic
  // DEFAULT/ON UPDATE CURRENT_TIMESTAMP, which would rewrite archived values.
  const nullability = isKey ? `NOT NULL${timestampKeyDefault(column)}` : 'NULL DEFAULT NULL';
  return `${name} ${column.columnType}${charset} ${nullability}`;
}

/** A TIMESTAMP key column gets an explicit default so that old servers add no ON UPDATE clause to it. */
function timestampKeyDefault(column: ColumnSchema): string {
  if (column.dataType !== 'timestamp') {
    return '';
  }
  const precision = /\((\d)\)/.exec(column.columnType)?.[1];
  return ` DEFAULT CURRENT_TIMESTAMP${precision ? `(${precision})` : ''}`;
}
