import { SqlDialect } from '../database/dialect/sql-dialect';
import { ColumnSchema, TableSchema, findColumn } from '../database/schema/table-schema';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

/**
 * Binds primary-key values so the database compares them exactly. MySQL compares an integer or
 * DECIMAL column with a *string* constant as floating point, so `id IN ('9007199254740993')` would
 * also match 9007199254740992: integer keys are bound as BigInt (sent as bare literals) and DECIMAL
 * keys through a CAST to their own type.
 */
export class KeyColumns {
  readonly names: string[];
  readonly quoted: string[];
  private readonly placeholders: string[];
  private readonly converters: Array<(value: unknown) => unknown>;

  constructor(
    private readonly dialect: SqlDialect,
    table: TableSchema,
  ) {
    this.names = table.primaryKey;
    this.quoted = this.names.map((name) => dialect.quoteIdentifier(name));
    const columns = this.names.map((name) => findColumn(table, name) as ColumnSchema);
    this.placeholders = columns.map((column) =>
      dialect.engine === 'mysql' && column.dataType === 'decimal'
        ? `CAST(? AS ${column.columnType.replace(/\s*unsigned/i, '')})`
        : '?',
    );
    this.converters = columns.map((column) =>
      dialect.engine === 'mysql' && INTEGER_TYPES.has(column.dataType) ? toBigInt : (value: unknown) => value,
    );
  }

  get width(): number {
    return this.names.length;
  }

  /** Parameters for one key, in key-column order. */
  params(key: readonly unknown[]): unknown[] {
    return key.map((value, index) => this.converters[index](value));
  }

  /** `key IN (…)` for `count` keys; bind `keys.flatMap(k => this.params(k))`. */
  inList(count: number): string {
    return this.dialect.keyInList(this.quoted, this.placeholders, count);
  }

  /** `(a > ?) OR (a = ? AND b > ?) …`: strictly after a key in key order, usable as a range scan. */
  after(): string {
    const clauses = this.quoted.map((column, index) => {
      const equalities = this.quoted.slice(0, index).map((previous, i) => `${previous} = ${this.placeholders[i]}`);
      return `(${[...equalities, `${column} > ${this.placeholders[index]}`].join(' AND ')})`;
    });
    return clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`;
  }

  afterParams(key: readonly unknown[]): unknown[] {
    const bound = this.params(key);
    return this.names.flatMap((_, index) => bound.slice(0, index + 1));
  }

  orderBy(): string {
    return this.quoted.join(', ');
  }
}

function toBigInt(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    return BigInt(value);
  }
  return value;
}
