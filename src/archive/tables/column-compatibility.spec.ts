import { ColumnSchema } from '../../database/schema/table-schema';
import { compareColumn } from './column-compatibility';

function column(columnType: string, charset: string | null = null): ColumnSchema {
  return {
    name: 'c',
    columnType,
    dataType: columnType.replace(/\(.*$/, '').replace(/\s.*$/, '').toLowerCase(),
    nullable: true,
    charset,
    collation: null,
    generated: false,
  };
}

describe('compareColumn (source now vs archive mirror)', () => {
  it.each([
    ['int(11)', 'int', 'same'],
    ['varchar(20)', 'varchar(20)', 'same'],
    ['bigint(20)', 'int(11)', 'widen'],
    ['bigint', 'int unsigned', 'widen'],
    ['int(11)', 'bigint(20)', 'incompatible'],
    ['int unsigned', 'int', 'incompatible'],
    ['varchar(200)', 'varchar(20)', 'widen'],
    ['text', 'varchar(20)', 'widen'],
    ['varchar(10)', 'varchar(20)', 'incompatible'],
    ['varchar(10)', 'char(10)', 'incompatible'],
    ['decimal(14,4)', 'decimal(12,2)', 'widen'],
    ['decimal(12,4)', 'decimal(12,2)', 'incompatible'],
    ['datetime(6)', 'datetime', 'widen'],
    ['datetime', 'datetime(6)', 'incompatible'],
    ["enum('a','b','c')", "enum('a','b')", 'widen'],
    ["enum('b','a')", "enum('a','b')", 'incompatible'],
    ['varbinary(32)', 'varbinary(16)', 'widen'],
    ['varbinary(32)', 'binary(16)', 'incompatible'],
    ['double', 'float', 'widen'],
    ['float', 'double', 'incompatible'],
    ['int', 'varchar(10)', 'incompatible'],
  ])('%s in the source vs %s in the archive → %s', (source, archive, kind) => {
    const charset = /char|text|enum/.test(source) ? 'utf8mb4' : null;
    const archiveCharset = /char|text|enum/.test(archive) ? 'utf8mb4' : null;
    expect(compareColumn(column(source, charset), column(archive, archiveCharset)).kind).toBe(kind);
  });

  it('refuses a character set change and says so', () => {
    const change = compareColumn(column('varchar(20)', 'latin1'), column('varchar(20)', 'utf8mb4'));
    expect(change).toEqual({ kind: 'incompatible', reason: expect.stringMatching(/character set changed/) });
  });
});
