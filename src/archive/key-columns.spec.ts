import { MysqlDialect } from '../database/dialect/mysql-dialect';
import { SqliteDialect } from '../database/dialect/sqlite-dialect';
import { TableSchema } from '../database/schema/table-schema';
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
    expect(key.inList(2)).toBe('`id` IN (?, ?)');
  });

  it('casts MySQL DECIMAL keys to their own type', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['amount', 'decimal(12,2) unsigned', 'decimal']]));
    expect(key.inList(1)).toBe('`amount` IN (CAST(? AS decimal(12,2)))');
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
    expect(key.inList(2)).toBe('((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?))');
  });

  it('uses row values for composite IN lists on SQLite and binds values untouched', () => {
    const key = new KeyColumns(
      new SqliteDialect(),
      table([
        ['a', 'INTEGER', 'integer'],
        ['b', 'TEXT', 'text'],
      ]),
    );
    expect(key.inList(2)).toBe('("a", "b") IN (VALUES (?, ?), (?, ?))');
    expect(key.params([5n, 'x'])).toEqual([5n, 'x']);
  });

  it('quotes identifiers that contain quote characters', () => {
    const key = new KeyColumns(new MysqlDialect(), table([['we`ird', 'int', 'int']]));
    expect(key.quoted).toEqual(['`we``ird`']);
  });
});
