import fc from 'fast-check';
import type { Connection } from 'mysql2/promise';
import { ArchivalEngine } from '../../src/archive/archival-engine';
import { EngineRunResult, PolicySpec } from '../../src/archive/engine/engine.types';
import { MysqlDialect } from '../../src/database/dialect/mysql-dialect';
import { openSqlClient } from '../../src/database/open-sql-client';
import { SqlClient } from '../../src/database/sql-client';
import { PurgeEngine } from '../../src/purge/purge-engine';
import { ThrowawayMariaDb, startThrowawayMariaDb } from '../../tools/throwaway-mariadb';
import { testMysqlUrl } from '../support/mariadb-test-server';
import { describeMariaDb, mysqlConnection } from '../support/test-databases';
import { withDeadline } from '../support/wait-for';
import {
  BATCH_SIZES,
  DATE_TYPES,
  DateType,
  KEY_SHAPES,
  MatrixCell,
  MatrixPath,
  PATHS,
  planCells,
  rowsFor,
} from './matrix-plan';

const NOW = new Date('2026-12-07T12:34:56.789Z');
const ARCHIVE_AFTER_DAYS = 30;
const DELETE_AFTER_DAYS = 400;
const DAY_US = 86_400_000_000n;
/** A run that has not ended by then has hung: the cell fails. */
const RUN_DEADLINE_MS = 120_000;

const dialect = new MysqlDialect();
const cutoffOf = (days: number) => dialect.formatTimestamp(new Date(NOW.getTime() - days * 86_400_000));
const ARCHIVE_CUTOFF = cutoffOf(ARCHIVE_AFTER_DAYS);
const PURGE_CUTOFF = cutoffOf(DELETE_AFTER_DAYS);

/** Microseconds since the epoch of a `YYYY-MM-DD HH:MM:SS.ffffff` UTC literal. */
function microsOf(literal: string): bigint {
  const [date, time] = literal.split(' ');
  const [seconds, fraction = '0'] = time.split('.');
  return BigInt(Date.parse(`${date}T${seconds}Z`)) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/** The column literal of an instant, in the precision of the date column's type. */
function literalOf(micros: bigint, type: DateType): string {
  const ms = micros / 1000n;
  const iso = new Date(Number(ms)).toISOString();
  const micro = String(micros % 1_000_000n).padStart(6, '0');
  switch (type) {
    case 'DATE':
      return iso.slice(0, 10);
    case 'TIMESTAMP(3)':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micro.slice(0, 3)}`;
    case 'DATETIME(6)':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micro}`;
  }
}

/** Dates at and around both cutoffs (one tick of the type before and after), spread ones, repeats and NULL. */
function dateValue(type: DateType): fc.Arbitrary<string | null> {
  const tick = type === 'DATE' ? DAY_US : type === 'TIMESTAMP(3)' ? 1000n : 1n;
  const edges = [ARCHIVE_CUTOFF, PURGE_CUTOFF].flatMap((cutoff) => {
    const at = microsOf(cutoff);
    return [at - tick, at, at + tick];
  });
  const now = microsOf(dialect.formatTimestamp(NOW));
  const spread = fc.bigInt({ min: now - 900n * DAY_US, max: now + 10n * DAY_US });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...edges).map((micros) => literalOf(micros, type)) },
    { weight: 6, arbitrary: spread.map((micros) => literalOf(micros, type)) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/** Payload text with what LOAD DATA and the line format must escape, and NULL. */
const payload = fc.option(
  fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('tab\there', 'new\nline', 'back\\slash', '\\N', '')),
  { nil: null },
);
const amount = fc.option(
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map((n) => (n / 1000).toFixed(6)),
  {
    nil: null,
  },
);

interface Servers {
  main: ThrowawayMariaDb | null;
  second: ThrowawayMariaDb;
}

interface PathDatabases {
  source: SqlClient;
  archive: SqlClient;
  sourceSql: Connection;
  archiveSql: Connection;
}

describeMariaDb('generated table matrix [mariadb]', () => {
  const cells = planCells();
  const servers: Partial<Servers> = {};
  const paths = new Map<MatrixPath, PathDatabases>();
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    servers.second = await startThrowawayMariaDb();
    const mainUrl = testMysqlUrl() as string;
    const admin = await mysqlConnection(mainUrl);
    const secondAdmin = await mysqlConnection(servers.second.url('mysql'));
    closers.push(
      () => admin.end(),
      () => secondAdmin.end(),
    );
    const suffix = Math.random().toString(16).slice(2, 8);
    const urlOn = (url: string, database: string) => url.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    const open = async (server: Connection, url: string, database: string) => {
      await server.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
      closers.push(() => server.query(`DROP DATABASE IF EXISTS ${database}`));
      const client = await openSqlClient(database, urlOn(url, database));
      closers.unshift(() => client.close());
      const sql = await mysqlConnection(urlOn(url, database));
      closers.unshift(() => sql.end());
      return { client: client.client, sql };
    };
    const oneSource = await open(admin, mainUrl, `matrix_${suffix}_src`);
    const oneArchive = await open(admin, mainUrl, `matrix_${suffix}_arc`);
    const twoSource = await open(admin, mainUrl, `matrix_${suffix}_src2`);
    const twoArchive = await open(secondAdmin, servers.second.url('mysql'), `matrix_${suffix}_arc2`);
    const one = {
      source: oneSource.client,
      archive: oneArchive.client,
      sourceSql: oneSource.sql,
      archiveSql: oneArchive.sql,
    };
    paths.set('one-server', one);
    paths.set('two-lanes', one);
    paths.set('two-servers', {
      source: twoSource.client,
      archive: twoArchive.client,
      sourceSql: twoSource.sql,
      archiveSql: twoArchive.sql,
    });
  }, 60_000);

  afterAll(async () => {
    for (const close of closers) {
      await close().catch(() => undefined);
    }
    await servers.second?.stop();
  });

  it('covers the full product of key shapes, paths, index cases, date types and batch sizes', () => {
    const combinations = new Set(
      cells.map((c) => `${c.key.name}/${c.path}/${c.dateIndexed}/${c.dateType}/${c.batchSize}`),
    );
    expect(combinations.size).toBe(KEY_SHAPES.length * PATHS.length * 2 * DATE_TYPES.length * BATCH_SIZES.length);
    expect(cells).toHaveLength(combinations.size);
  });

  it.each(cells.map((cell) => [cellName(cell), cell] as const))('%s', async (_name, cell) => {
    const db = paths.get(cell.path) as PathDatabases;
    const table = `m${cell.id}`;
    const keyNames = cell.key.columns.map((column) => column.name);
    const columns = [...keyNames, 'created_at', 'payload', 'amount'];
    await createTable(db, table, cell);
    await insertRows(db.sourceSql, table, columns, generateRows(cell));
    const before = await content(db.sourceSql, table, columns);
    const policy: PolicySpec = {
      tableName: table,
      dateColumn: 'created_at',
      archiveAfterDays: ARCHIVE_AFTER_DAYS,
      deleteAfterDays: DELETE_AFTER_DAYS,
      criteria: [],
    };
    const options = {
      policy,
      source: db.source,
      archive: db.archive,
      batchSize: cell.batchSize,
      lanes: cell.path === 'two-lanes' ? 2 : 1,
      now: NOW,
    };

    const archived = await withDeadline(
      new ArchivalEngine().run({ ...options, runId: cell.id }),
      RUN_DEADLINE_MS,
      `the archive run of ${table}`,
    );

    expect(archived.stopReason).toBe('completed');
    expect(archived.details.transfer).toBe(cell.path === 'two-servers' ? 'copy' : 'server-side');
    const archiveRows = await content(db.archiveSql, table, columns);
    const sourceRows = await content(db.sourceSql, table, columns);
    // Every row accounted for, by content: source after + archive = source before, no key twice.
    expect([...sourceRows, ...archiveRows].sort()).toEqual(before);
    expect(archiveRows).toHaveLength(archived.rows);
    expect(await count(db.archiveSql, `SELECT COUNT(DISTINCT ${keyNames.join(', ')}) AS n FROM ${table}`)).toBe(
      archived.rows,
    );
    // No young row (or NULL date) moved, and no old row left behind.
    expect(
      await count(db.archiveSql, `SELECT COUNT(*) AS n FROM ${table} WHERE NOT (created_at < ?)`, [ARCHIVE_CUTOFF]),
    ).toBe(0);
    expect(await count(db.sourceSql, `SELECT COUNT(*) AS n FROM ${table} WHERE created_at < ?`, [ARCHIVE_CUTOFF])).toBe(
      0,
    );

    const kept = await content(db.archiveSql, table, columns, `WHERE NOT (created_at < ?)`, [PURGE_CUTOFF]);
    const purged: EngineRunResult = await withDeadline(
      new PurgeEngine().run({ ...options, runId: cell.id }),
      RUN_DEADLINE_MS,
      `the purge run of ${table}`,
    );

    expect(purged.stopReason).toBe('completed');
    expect(await content(db.archiveSql, table, columns)).toEqual(kept);
    expect(purged.rows).toBe(archived.rows - kept.length);
  });

  async function createTable(db: PathDatabases, table: string, cell: MatrixCell): Promise<void> {
    const nullDefault = cell.dateType === 'TIMESTAMP(3)' ? ' DEFAULT NULL' : '';
    const keys = cell.key.columns.map((column) => column.name).join(', ');
    await db.sourceSql.query(`DROP TABLE IF EXISTS ${table}`);
    await db.archiveSql.query(`DROP TABLE IF EXISTS ${table}`);
    await db.sourceSql.query(
      `CREATE TABLE ${table} (${cell.key.columns.map((column) => `${column.name} ${column.type}`).join(', ')},
         created_at ${cell.dateType} NULL${nullDefault}, payload VARCHAR(100) NULL, amount DECIMAL(20,6) NULL,
         PRIMARY KEY (${keys})${cell.dateIndexed ? ', KEY by_date (created_at)' : ''}) DEFAULT CHARSET=utf8mb4`,
    );
  }
});

function cellName(cell: MatrixCell): string {
  return (
    `cell ${cell.id}: ${cell.key.name} key, ${cell.path}, ${cell.dateType} date ` +
    `${cell.dateIndexed ? 'indexed' : 'not indexed'}, batch ${cell.batchSize} (seed ${cell.seed})`
  );
}

function generateRows(cell: MatrixCell): unknown[][] {
  const row = fc.tuple(cell.key.value, dateValue(cell.dateType), payload, amount);
  const rows = fc.sample(fc.array(row, { minLength: rowsFor(cell.batchSize), maxLength: rowsFor(cell.batchSize) }), {
    seed: cell.seed,
    numRuns: 1,
  })[0];
  return rows.map(([key, date, text, decimal]) => [...key, date, text, decimal]);
}

/** Duplicate keys (also those a collation folds together) are dropped by the primary key. */
async function insertRows(sql: Connection, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    await sql.query(
      `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => placeholders).join(', ')}`,
      part.flat(),
    );
  }
}

/** Each row's exact stored bytes, column by column, as sorted lines. */
async function content(
  sql: Connection,
  table: string,
  columns: string[],
  where = '',
  params: unknown[] = [],
): Promise<string[]> {
  const fields = columns.map((column) => `IFNULL(HEX(CAST(${column} AS BINARY)), 'N')`).join(", '|', ");
  const [rows] = await sql.query(`SELECT CONCAT(${fields}) AS line FROM ${table} ${where}`, params);
  return (rows as Array<{ line: string }>).map((row) => row.line).sort();
}

async function count(sql: Connection, query: string, params: unknown[] = []): Promise<number> {
  const [rows] = await sql.query(query, params);
  return Number((rows as Array<{ n: unknown }>)[0].n);
}
