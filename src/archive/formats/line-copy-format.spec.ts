import { createHash } from 'node:crypto';
import { MysqlDialect } from '../../database/dialect/mysql-dialect';
import { ColumnSchema, TableSchema } from '../../database/schema/table-schema';
import { BatchStatements } from '../transfer/batch-statements';
import { LineCopyFormat, lineFormatCarries } from './line-copy-format';

const column = (name: string, dataType: string): ColumnSchema => ({
  name,
  columnType: dataType,
  dataType,
  nullable: true,
  charset: null,
  collation: null,
  generated: false,
});

const table = (columns: ColumnSchema[], primaryKey: string[]): TableSchema => ({
  name: 'orders',
  columns,
  primaryKey,
  indexes: [],
});

const ORDERS = table([column('id', 'bigint'), column('note', 'varchar'), column('raw', 'blob')], ['id']);

function formatFor(schema: TableSchema, maxBindParameters?: number): LineCopyFormat {
  const dialect = new MysqlDialect();
  if (maxBindParameters) {
    Object.defineProperty(dialect, 'maxBindParameters', { value: maxBindParameters });
  }
  const selection = { sql: '`id` > 0', params: [] };
  return new LineCopyFormat(new BatchStatements(dialect, schema, 'src', 'arc', selection), schema);
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Rows as the source's locked read returns them: the key columns, then the row's line as bytes. */
const readRows = (lines: Array<[unknown[], string]>) => lines.map(([key, line]) => [...key, Buffer.from(line)]);

describe('LineCopyFormat', () => {
  it('selects the key columns and the line the server builds: escaped raw bytes, hex for binary, \\N for NULL', () => {
    const { selectList } = formatFor(ORDERS);

    expect(selectList).toBe(
      "`id`, CAST(CONCAT_WS(X'09', IFNULL(`id`, X'5C4E'), " +
        "IFNULL(REPLACE(REPLACE(REPLACE(CAST(`note` AS BINARY), X'5C', X'5C5C'), X'09', X'5C74'), X'0A', X'5C6E'), X'5C4E'), " +
        "IFNULL(HEX(`raw`), X'5C4E')) AS BINARY)",
    );
  });

  it('strings the lines together as the LOAD DATA stream and hashes exactly those bytes, joined by newlines', () => {
    const lines: Array<[unknown[], string]> = [
      [['1'], '1\tGrüße 東京\t00FF'],
      [['2'], '2\t\\N\t\\N'],
      [['3'], '3\ta\\tb\\\\\t'],
    ];

    const batch = formatFor(ORDERS).decode(readRows(lines));

    const text = lines.map(([, line]) => line).join('\n');
    expect(batch.tsv.toString('utf8')).toBe(`${text}\n`);
    expect(batch.parts).toEqual([{ rows: 3, sha1: sha1(text) }]);
    expect(batch.keys).toEqual([['1'], ['2'], ['3']]);
    expect(batch.bytes).toBe(Buffer.byteLength(text) + 1);
  });

  it('keeps composite keys, and hashes a part per verification query when a batch has more keys than one query binds', () => {
    const composite = table([column('a', 'int'), column('b', 'int'), column('v', 'varchar')], ['a', 'b']);
    // Two key columns, at most 5 parameters a statement: parts of 2 keys.
    const lines: Array<[unknown[], string]> = [1, 2, 3, 4, 5].map((n) => [[n, 10 * n], `${n}\t${10 * n}\tv${n}`]);

    const batch = formatFor(composite, 5).decode(readRows(lines));

    expect(batch.keys).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
      [5, 50],
    ]);
    expect(batch.parts).toEqual([
      { rows: 2, sha1: sha1('1\t10\tv1\n2\t20\tv2') },
      { rows: 2, sha1: sha1('3\t30\tv3\n4\t40\tv4') },
      { rows: 1, sha1: sha1('5\t50\tv5') },
    ]);
  });

  it('starts a new part once a part holds 8 MiB of lines, so the archive never builds a longer string', () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const lines: Array<[unknown[], string]> = [1, 2, 3, 4].map((n) => [[String(n)], `${n}\t${big}`]);

    const batch = formatFor(ORDERS).decode(readRows(lines));

    const text = (from: number, to: number) =>
      lines
        .slice(from, to)
        .map(([, line]) => line)
        .join('\n');
    expect(batch.parts).toEqual([
      { rows: 3, sha1: sha1(text(0, 3)) },
      { rows: 1, sha1: sha1(text(3, 4)) },
    ]);
  });

  it('carries numbers, dates, strings and binary values, and leaves spatial and unknown types to the value format', () => {
    expect(lineFormatCarries(ORDERS)).toBe(true);
    expect(lineFormatCarries(table([column('id', 'int'), column('at', 'datetime'), column('b', 'bit')], ['id']))).toBe(
      true,
    );
    expect(lineFormatCarries(table([column('id', 'int'), column('shape', 'point')], ['id']))).toBe(false);
    expect(lineFormatCarries(table([column('id', 'int'), column('u', 'uuid')], ['id']))).toBe(false);
  });
});
