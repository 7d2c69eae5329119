/** A column of a live table, as the database describes it. */
export interface ColumnSchema {
  name: string;
  /** Full type as declared: `bigint(20) unsigned`, `decimal(12,2)`, `enum('a','b')`, `DATETIME` (SQLite). */
  columnType: string;
  /** Base type, lower case, no size: `bigint`, `decimal`, `enum`, `datetime`. */
  dataType: string;
  nullable: boolean;
  /** MySQL string columns only. */
  charset: string | null;
  collation: string | null;
  /** Computed by the database (MySQL GENERATED / SQLite generated columns): copied as a plain value. */
  generated: boolean;
}

export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  indexes: IndexSchema[];
}

const DATE_TYPES = new Set(['date', 'datetime', 'timestamp']);

/** Whether a column holds dates a cutoff can be compared with (SQLite: by declared type name). */
export function isDateColumn(column: ColumnSchema): boolean {
  return DATE_TYPES.has(column.dataType);
}

export function findColumn(table: TableSchema, name: string): ColumnSchema | undefined {
  return table.columns.find((column) => column.name === name);
}
