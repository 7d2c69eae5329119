import { MysqlDialect } from '../../database/dialect/mysql-dialect';
import { SqliteDialect } from '../../database/dialect/sqlite-dialect';
import { TableSchema } from '../../database/schema/table-schema';
import { KeyColumns } from './key-columns';

const table = (key: Array<[string, string, string]>): TableSchema => ({
  name: 't',
  columns: key.map(([name, columnType, dataType]) => ({
    name,
    columnType,
    dataType,
    nullable: false,
    charset: null,
    collation: null,
    generated: false,
  })),
  primaryKey: key.map(([name]) => name),
  indexes: [],
});

describe('KeyColumns', () => {
  it('binds MySQL integer keys as BigInt so they are compared exactly, not as doubles', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['id', 'bigint(20) unsigned', 'bigint']]));
    expect(key.params(['9007199254740993'])).toEqual([9007199254740993n]);
    expect(key.matching([['9007199254740993'], ['7']])).toEqual({
      sql: '`id` IN (?, ?)',
      params: [7n, 9007199254740993n],
    });
  });

  it('casts MySQL DECIMAL keys to their own type', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['amount', 'decimal(12,2) unsigned', 'decimal']]));
    expect(key.matching([['10.50']]).sql).toBe('`amount` IN (CAST(? AS decimal(12,2)))');
    expect(key.params(['10.50'])).toEqual(['10.50']);
  });

  it('builds a keyset condition for composite keys in key order', () => {
    const key = new KeyColumns(
      new MysqlDialect(),
      table([
        ['a', 'int', 'int'],
        ['b', 'varchar(5)', 'varchar'],
      ]),
    );
    expect(key.after()).toBe('((`a` > ?) OR (`a` = ? AND `b` > ?))');
    expect(key.afterParams(['7', 'x'])).toEqual([7n, 7n, 'x']);
    expect(
      key.matching([
        ['1', 'x'],
        ['2', 'y'],
      ]),
    ).toEqual({
      sql: '((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?))',
      params: [1n, 'x', 2n, 'y'],
    });
  });

  it('uses row values for composite IN lists on SQLite and binds values untouched', () => {
    const key = new KeyColumns(
      new SqliteDialect(),
      table([
        ['a', 'INTEGER', 'integer'],
        ['b', 'TEXT', 'text'],
      ]),
    );
    expect(
      key.matching([
        [1n, 'x'],
        [2n, 'y'],
      ]).sql,
    ).toBe('("a", "b") IN (VALUES (?, ?), (?, ?))');
    expect(key.params([5n, 'x'])).toEqual([5n, 'x']);
  });

  it('sends runs of consecutive integer keys as BETWEEN, the rest as a list: exactly the same set', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['id', 'bigint', 'bigint']]));
    const keys = ['5', '3', '4', '10', '11', '20', '21', '22', '23', '18446744073709551615'].map((id) => [id]);
    expect(key.matching(keys, 's.')).toEqual({
      sql: '(s.`id` BETWEEN ? AND ? OR s.`id` BETWEEN ? AND ? OR s.`id` IN (?, ?, ?))',
      params: [3n, 5n, 20n, 23n, 10n, 11n, 18446744073709551615n],
    });
  });

  it('tests the last key on its own for a delete, so no range ends at it; the same set', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['id', 'bigint', 'bigint']]));
    const run = (first: number, last: number) =>
      Array.from({ length: last - first + 1 }, (_, i) => [String(first + i)]);

    expect(key.matchingWithinBatch(run(1, 1000))).toEqual({
      sql: '(`id` BETWEEN ? AND ? OR `id` IN (?))',
      params: [1n, 999n, 1000n],
    });
    // The last run too short to keep a range once its last key is taken out: all of it listed.
    expect(key.matchingWithinBatch([...run(1, 5), ...run(10, 12)])).toEqual({
      sql: '(`id` BETWEEN ? AND ? OR `id` IN (?, ?, ?))',
      params: [1n, 5n, 10n, 11n, 12n],
    });
    expect(key.matchingWithinBatch(run(7, 9))).toEqual({ sql: '`id` IN (?, ?, ?)', params: [7n, 8n, 9n] });
  });

  it('falls back to a list when an integer column holds something else (SQLite allows it)', () => {
    const key = new KeyColumns(new SqliteDialect(), table([['id', 'INTEGER', 'integer']]));
    expect(key.matching([[1n], [2n], ['abc']])).toEqual({ sql: '"id" IN (?, ?, ?)', params: [1n, 2n, 'abc'] });
  });

  it('quotes identifiers that contain quote characters', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['we`ird', 'int', 'int']]));
    expect(key.quoted).toEqual(['`we``ird`']);
  });
});
