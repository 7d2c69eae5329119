import { InvalidInputError } from '../common/domain-error';
import { MysqlDialect } from '../database/dialect/mysql-dialect';
import { SqliteDialect } from '../database/dialect/sqlite-dialect';
import { ColumnSchema, TableSchema } from '../database/schema/table-schema';
import { ColumnFilter, filterPredicate, filtersOf } from './column-filters';

function column(name: string, columnType: string): ColumnSchema {
  return {
    name,
    columnType,
    dataType: columnType
      .replace(/\(.*$/, '')
      .replace(/ unsigned$/, '')
      .toLowerCase(),
    nullable: true,
    charset: null,
    collation: null,
    generated: false,
  };
}

const table: TableSchema = {
  name: 'orders',
  columns: [
    column('id', 'bigint(20) unsigned'),
    column('line', 'int(11)'),
    column('email', 'varchar(8)'),
    column('amount', 'decimal(6,2)'),
    column('created_at', 'datetime(6)'),
    column('code', 'varbinary(4)'),
    column('doc', 'longtext'),
    column('flags', 'bit(8)'),
    column('status', 'varchar(16)'),
  ],
  primaryKey: ['id', 'line'],
  indexes: [
    { name: 'by_email', columns: ['email', 'status'], unique: false },
    { name: 'by_amount', columns: ['amount'], unique: false },
    { name: 'by_created', columns: ['created_at'], unique: false },
    { name: 'by_code', columns: ['code'], unique: false },
    { name: 'by_flags', columns: ['flags'], unique: false },
  ],
};

const mysql = new MysqlDialect();
const eq = (name: string, value: string): ColumnFilter => ({ kind: 'eq', column: name, value });
const problemsOf = (filters: ColumnFilter[]): string[] => {
  try {
    filterPredicate(mysql, 'orders', table, filters);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return [...(error as InvalidInputError).problems];
  }
};

describe('column filters', () => {
  it('allows the first column of the key and of each index, prefixes on strings only', () => {
    expect(Object.fromEntries(table.columns.map((c) => [c.name, filtersOf(table, c)]))).toEqual({
      id: ['eq'],
      line: [],
      email: ['eq', 'prefix'],
      amount: ['eq'],
      created_at: ['eq'],
      code: ['eq'],
      doc: [],
      flags: [],
      status: [],
    });
  });

  it('binds integers as BigInt, DECIMALs through a CAST, date-times as the database writes them, bytes from base64', () => {
    const predicate = filterPredicate(mysql, 'orders', table, [
      eq('id', '18446744073709551615'),
      eq('amount', '-1234.5'),
      eq('created_at', '2024-02-29T10:00:00.000001Z'),
      eq('code', 'AP8K'),
      { kind: 'prefix', column: 'email', value: 'a_%!' },
    ]);
    expect(predicate.conditions).toEqual([
      '`id` = ?',
      '`amount` = CAST(? AS decimal(6,2))',
      '`created_at` = ?',
      '`code` = ?',
      "`email` LIKE ? ESCAPE '!'",
    ]);
    expect(predicate.params).toEqual([
      18446744073709551615n,
      '-1234.5',
      '2024-02-29 10:00:00.000001',
      Buffer.from([0, 255, 10]),
      'a!_!%!!%',
    ]);
  });

  it('quotes names the SQLite way on SQLite', () => {
    const sqliteTable = { ...table, columns: [column('id', 'INTEGER')], primaryKey: ['id'], indexes: [] };
    expect(filterPredicate(new SqliteDialect(), 'orders', sqliteTable, [eq('id', '-9223372036854775808')])).toEqual({
      conditions: ['"id" = ?'],
      params: [-9223372036854775808n],
    });
  });

  it('compares SQLite date-times in every spelling of the instant (SQLite compares their text)', () => {
    const sqliteTable = { ...table, columns: [column('at', 'DATETIME')], primaryKey: ['at'], indexes: [] };
    const sqlite = new SqliteDialect();
    expect(filterPredicate(sqlite, 'orders', sqliteTable, [eq('at', '2024-03-01T10:00:00.120Z')])).toEqual({
      conditions: ['"at" IN (?, ?, ?, ?, ?)'],
      params: [
        '2024-03-01 10:00:00.12',
        '2024-03-01 10:00:00.120',
        '2024-03-01 10:00:00.1200',
        '2024-03-01 10:00:00.12000',
        '2024-03-01 10:00:00.120000',
      ],
    });
    expect(filterPredicate(sqlite, 'orders', sqliteTable, [eq('at', '2024-03-01 10:00:00')]).params).toEqual([
      '2024-03-01 10:00:00',
      '2024-03-01 10:00:00.0',
      '2024-03-01 10:00:00.00',
      '2024-03-01 10:00:00.000',
      '2024-03-01 10:00:00.0000',
      '2024-03-01 10:00:00.00000',
      '2024-03-01 10:00:00.000000',
    ]);
  });

  it.each([
    [eq('nope', '1'), /no column "nope"/],
    [eq('line', '1'), /column "line" is not indexed .*here: id, email, amount, created_at, code\)/],
    [eq('status', 'x'), /column "status" is not indexed/],
    [eq('flags', '1'), /is bit\(8\), which filters do not compare/],
    [{ kind: 'prefix' as const, column: 'id', value: '1' }, /prefix filters take string columns/],
    [eq('id', '-1'), /not a bigint\(20\) unsigned/],
    [eq('id', '18446744073709551616'), /not a bigint\(20\) unsigned/],
    [eq('id', ' 1'), /not a bigint/],
    [eq('amount', '12345.6'), /at most 4 digits before the point and 2 after/],
    [eq('amount', '1.234'), /at most 4 digits before the point and 2 after/],
    [eq('amount', '1e3'), /not a decimal\(6,2\)/],
    [eq('created_at', '2023-02-29T00:00:00Z'), /not a datetime\(6\)/],
    [eq('created_at', '2024-01-01T24:00:00Z'), /not a datetime\(6\)/],
    [eq('created_at', '2024-01-01T10:00:00.1234567Z'), /not a datetime\(6\)/],
    [eq('code', 'not base64!'), /not a varbinary\(4\)/],
    [eq('email', '123456789'), /at most 8 characters/],
  ])('refuses %p', (filter, message) => {
    const problems = problemsOf([filter]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('counts characters, not bytes or UTF-16 units, against a VARCHAR length', () => {
    expect(problemsOf([eq('email', '😀😀😀😀😀😀😀😀')])).toEqual([]);
  });
});
