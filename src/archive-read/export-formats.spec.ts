import { ColumnSchema } from '../database/schema/table-schema';
import { exportWriter } from './export-formats';

const columns: ColumnSchema[] = [
  ['id', 'bigint(20)', 'bigint'],
  ['note', 'varchar(20)', 'varchar'],
  ['bytes', 'varbinary(4)', 'varbinary'],
  ['at', 'datetime(6)', 'datetime'],
].map(([name, columnType, dataType]) => ({
  name,
  columnType,
  dataType,
  nullable: true,
  charset: null,
  collation: null,
  generated: false,
}));

const rows = [
  ['9007199254740993', 'a "quoted", text\r\nline', Buffer.from([1, 2]), '2024-03-01 10:00:00.000001'],
  ['1', '', null, null],
];

describe('export formats', () => {
  it('writes RFC 4180 CSV: header, CRLF, quotes doubled, NULL empty and an empty string quoted', () => {
    const csv = exportWriter('csv', columns);
    expect(csv.header() + csv.rows(rows)).toBe(
      'id,note,bytes,at\r\n' +
        '9007199254740993,"a ""quoted"", text\r\nline",AQI=,2024-03-01T10:00:00.000001Z\r\n' +
        '1,"",,\r\n',
    );
  });

  it('writes one JSON object per line with the values of the JSON read', () => {
    const jsonl = exportWriter('jsonl', columns);
    expect(jsonl.header()).toBe('');
    expect(
      jsonl
        .rows(rows)
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { id: '9007199254740993', note: 'a "quoted", text\r\nline', bytes: 'AQI=', at: '2024-03-01T10:00:00.000001Z' },
      { id: '1', note: '', bytes: null, at: null },
    ]);
  });
});
