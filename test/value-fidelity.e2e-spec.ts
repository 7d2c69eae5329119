import { useEngineDatabases } from './support/engine-databases';
import { ArchivalEngine, TransferMode } from '../src/archive/archival-engine';
import { EngineClients, policyFor } from './support/engine-fixtures';
import { TestDatabases, describeMariaDb } from './support/test-databases';

/**
 * Every MariaDB type a production table is likely to hold, with the values most likely to be
 * damaged in transit (precision, time zones, bytes, 4-byte characters). `compare` says how the
 * server itself compares the original and the archived value: `<=>` on the stored value, or on
 * its raw bytes where `=` would ignore case, trailing spaces or bit patterns.
 */
const TYPES: Array<{ column: string; type: string; values: string[]; compare: 'value' | 'bytes' }> = [
  {
    column: 'c_bigint',
    type: 'BIGINT',
    values: ['9007199254740993', '-9223372036854775808', '9223372036854775807'],
    compare: 'value',
  },
  {
    column: 'c_ubigint',
    type: 'BIGINT UNSIGNED',
    values: ['18446744073709551615', '9007199254740993', '0'],
    compare: 'value',
  },
  { column: 'c_int', type: 'INT', values: ['-2147483648', '2147483647', '0'], compare: 'value' },
  { column: 'c_tiny', type: 'TINYINT UNSIGNED', values: ['255', '0', '1'], compare: 'value' },
  {
    column: 'c_decimal',
    type: 'DECIMAL(30,10)',
    values: ["'12345678901234567890.0123456789'", "'-0.0000000001'", "'99999999999999999999.9999999999'"],
    compare: 'value',
  },
  { column: 'c_float', type: 'FLOAT', values: ['1.0000001', '3.40282e38', '-1.17549435e-38'], compare: 'value' },
  {
    column: 'c_double',
    type: 'DOUBLE',
    values: ['0.1', '1.7976931348623157e308', '4.9406564584124654e-324'],
    compare: 'value',
  },
  {
    column: 'c_datetime6',
    type: 'DATETIME(6)',
    values: ["'2020-02-29 23:59:59.999999'", "'1000-01-01 00:00:00.000001'", "'9999-12-31 23:59:59.999999'"],
    compare: 'bytes',
  },
  {
    column: 'c_datetime',
    type: 'DATETIME',
    values: ["'2021-03-28 02:30:00'", "'2021-10-31 02:30:00'", "'0000-00-00 00:00:00'"],
    compare: 'bytes',
  },
  { column: 'c_date', type: 'DATE', values: ["'0001-01-01'", "'2024-02-29'", "'9999-12-31'"], compare: 'bytes' },
  {
    column: 'c_timestamp6',
    type: 'TIMESTAMP(6) NULL',
    values: ["'2038-01-19 03:14:07.999999'", "'1970-01-01 00:00:01.000000'", "'2021-03-28 01:30:00.5'"],
    compare: 'bytes',
  },
  {
    column: 'c_time',
    type: 'TIME(6)',
    values: ["'-838:59:59.000000'", "'838:59:59.000000'", "'00:00:00.000001'"],
    compare: 'bytes',
  },
  { column: 'c_year', type: 'YEAR', values: ['1901', '2155', '2024'], compare: 'value' },
  { column: 'c_bit1', type: 'BIT(1)', values: ["b'1'", "b'0'", "b'1'"], compare: 'bytes' },
  {
    column: 'c_bit64',
    type: 'BIT(64)',
    values: [
      "b'1111111111111111111111111111111111111111111111111111111111111111'",
      "b'1'",
      "b'1000000000000000000000000000000000000000000000000000000000000000'",
    ],
    compare: 'bytes',
  },
  { column: 'c_blob', type: 'BLOB', values: ["X'00FF00FE0001'", "X''", "X'5C00275C22'"], compare: 'bytes' },
  { column: 'c_binary', type: 'BINARY(4)', values: ["X'00000000'", "X'FFFFFFFF'", "X'00'"], compare: 'bytes' },
  { column: 'c_varbinary', type: 'VARBINARY(16)', values: ["X'00'", "X'C3A9'", "X'80'"], compare: 'bytes' },
  {
    column: 'c_utf8mb4',
    type: 'VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    values: ["'😀 𝄞 𠜎 ☕'", "'trailing  '", "'A\\tB\\nC\\\\D\\'E\"'"],
    compare: 'bytes',
  },
  {
    column: 'c_latin1',
    type: 'VARCHAR(32) CHARACTER SET latin1',
    values: ["'café'", "'Ünïcödé'", "'plain'"],
    compare: 'bytes',
  },
  {
    column: 'c_text',
    type: 'MEDIUMTEXT',
    values: ["REPEAT('é😀', 5000)", "''", "'line1\\r\\nline2'"],
    compare: 'bytes',
  },
  {
    column: 'c_json',
    type: 'JSON',
    values: [`'{"b": 1.0, "a": [1, 2.50, "x"], "big": 12345678901234567890}'`, "'[]'", `'"ok"'`],
    compare: 'bytes',
  },
  {
    column: 'c_enum',
    type: "ENUM('small','medium','large')",
    values: ["'large'", "'small'", "'medium'"],
    compare: 'bytes',
  },
  { column: 'c_set', type: "SET('x','y','z')", values: ["'x,z'", "''", "'x,y,z'"], compare: 'bytes' },
  { column: 'c_char', type: 'CHAR(10)', values: ["'abc'", "'Abc'", "''"], compare: 'bytes' },
  {
    // What LOAD DATA's text format has to escape, or could mistake for a NULL or a line end.
    column: 'c_escapes',
    type: 'VARCHAR(64)',
    values: ["'\\\\N'", "CONCAT('a', CHAR(0), 'b\\\\', CHAR(9), '\\\\t', CHAR(13))", "'NULL'"],
    compare: 'bytes',
  },
];

describeMariaDb('value fidelity through archival [mariadb]', () => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases('mysql', (opened) => ({ databases, clients } = opened));

  it.each<[TransferMode, 'load-data' | 'upsert', boolean, string | undefined]>([
    ['copy', 'load-data', true, 'lines'],
    ['copy', 'load-data', false, 'values'],
    ['copy', 'upsert', true, 'values'],
    ['server-side', 'upsert', true, undefined],
  ])(
    'archives every type with each value byte-identical (%s transfer, %s, local infile allowed: %s: %s), compared by the server',
    async (transfer, archiveWrite, localInfile, copyFormat) => {
      await databases.source(`SET GLOBAL local_infile = ${localInfile ? 1 : 0}`);
      await databases.source('DROP TABLE IF EXISTS fidelity, fidelity_before');
      await databases.archive('DROP TABLE IF EXISTS fidelity');
      await databases.source(
        `CREATE TABLE fidelity (id INT PRIMARY KEY, created_at DATETIME NOT NULL, ${TYPES.map((t) => `${t.column} ${t.type}`).join(', ')})`,
      );
      for (let row = 0; row < 3; row++) {
        await databases.source(
          `INSERT INTO fidelity VALUES (${row + 1}, NOW() - INTERVAL 400 DAY, ${TYPES.map((t) => t.values[row]).join(', ')})`,
        );
      }
      // A row of NULLs in every nullable column.
      await databases.source('INSERT INTO fidelity (id, created_at) VALUES (4, NOW() - INTERVAL 400 DAY)');
      // The server's own copy of the original values, to compare against after the move.
      await databases.source('CREATE TABLE fidelity_before AS SELECT * FROM fidelity');

      const result = await new ArchivalEngine().run({
        policy: policyFor('fidelity'),
        source: clients.source,
        archive: clients.archive,
        runId: 1,
        batchSize: 2,
        transfer,
        archiveWrite,
      });
      await databases.source('SET GLOBAL local_infile = 1');
      expect(result).toMatchObject({ rows: 4, details: expect.objectContaining({ transfer }) });
      expect(result.details.copyFormat).toBe(copyFormat);

      const before = `\`${databases.names.source}\`.fidelity_before`;
      const archived = `\`${databases.names.archive}\`.fidelity`;
      for (const { column, compare } of TYPES) {
        const same =
          compare === 'value'
            ? `b.${column} <=> a.${column}`
            : `CAST(b.${column} AS BINARY) <=> CAST(a.${column} AS BINARY) AND (b.${column} IS NULL) = (a.${column} IS NULL)`;
        const differing = await databases.source<{ id: number }>(
          `SELECT b.id FROM ${before} b LEFT JOIN ${archived} a ON a.id = b.id WHERE a.id IS NULL OR NOT (${same})`,
        );
        expect({ column, differing: differing.map((r) => r.id) }).toEqual({ column, differing: [] });
      }
      const [{ n }] = await databases.source<{ n: number }>('SELECT COUNT(*) AS n FROM fidelity');
      expect(Number(n)).toBe(0);
    },
  );

  it('moves a table with a column type the line format does not carry as values, through LOAD DATA', async () => {
    await databases.source('DROP TABLE IF EXISTS identities');
    await databases.archive('DROP TABLE IF EXISTS identities');
    await databases.source(
      'CREATE TABLE identities (id INT PRIMARY KEY, created_at DATETIME NOT NULL, u UUID, ip INET6, note VARCHAR(32))',
    );
    await databases.source(
      `INSERT INTO identities VALUES
        (1, NOW() - INTERVAL 400 DAY, 'e3b0c442-98fc-11ee-8c90-0242ac120002', '2001:db8::ff00:42:8329', 'tab\there'),
        (2, NOW() - INTERVAL 400 DAY, NULL, '::ffff:192.0.2.1', NULL),
        (3, NOW() - INTERVAL 400 DAY, '00000000-0000-0000-0000-000000000001', NULL, 'back\\slash')`,
    );
    const before = await databases.source('SELECT id, u, ip, note FROM identities ORDER BY id');

    const result = await new ArchivalEngine().run({
      policy: policyFor('identities'),
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 2,
      transfer: 'copy',
    });

    expect(result).toMatchObject({ rows: 3, details: expect.objectContaining({ copyFormat: 'values' }) });
    expect(await databases.archive('SELECT id, u, ip, note FROM identities ORDER BY id')).toEqual(before);
  });

  it('creates the archive column types exactly as the source declares them', async () => {
    const types = await databases.source<{ name: string; type: string; charset: string | null }>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA IN (?, ?) AND TABLE_NAME = 'fidelity' AND TABLE_SCHEMA = ? ORDER BY ORDINAL_POSITION`,
      [databases.names.source, databases.names.archive, databases.names.archive],
    );
    const sourceTypes = await databases.source<{ name: string; type: string; charset: string | null }>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'fidelity_before' ORDER BY ORDINAL_POSITION`,
      [databases.names.source],
    );
    expect(types.slice(0, sourceTypes.length)).toEqual(sourceTypes);
    expect(types.slice(sourceTypes.length).map((t) => t.name)).toEqual(['archived_at', 'archive_run_id']);
  });
});
