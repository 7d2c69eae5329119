import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool, createPool } from 'mysql2';
import { Connection, createConnection } from 'mysql2/promise';
import { testMysqlUrl } from './mariadb-test-server';

export type TestEngine = 'sqlite' | 'mysql';

/** Runs SQL directly on one of the databases (fixtures and assertions), bypassing the service. */
export type RawSql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Three fresh, empty databases (control, source, archive) for one test file, plus raw access to them. */
export interface TestDatabases {
  readonly engine: TestEngine;
  /** CONTROL_DB_URL, SOURCE_DB_URL, ARCHIVE_DB_URL for the app under test. */
  readonly env: Record<string, string>;
  /** Where relative paths (and the embedded default) resolve for this test. */
  readonly baseDir: string;
  /** Schema names (MySQL) — or `main` for SQLite. */
  readonly names: { control: string; source: string; archive: string };
  readonly source: RawSql;
  readonly archive: RawSql;
  readonly control: RawSql;
  drop(): Promise<void>;
}

export function mysqlAvailable(): boolean {
  return testMysqlUrl() !== null;
}

/** `describe` for each engine: SQLite always, MariaDB when a server is available (see global-setup). */
export function describeEachEngine(title: string, suite: (engine: TestEngine) => void): void {
  describe(`${title} [sqlite]`, () => suite('sqlite'));
  (mysqlAvailable() ? describe : describe.skip)(`${title} [mariadb]`, () => suite('mysql'));
}

/** `describe` that runs on MariaDB only (skipped when no server is available, failing in CI). */
export const describeMariaDb: jest.Describe = mysqlAvailable() ? describe : describe.skip;

/** `serverUrl`: another MariaDB server than the tests' own (MySQL only), e.g. one a fault test restarts. */
export async function createTestDatabases(engine: TestEngine, serverUrl?: string): Promise<TestDatabases> {
  const baseDir = mkdtempSync(join(tmpdir(), 'das-test-'));
  return engine === 'mysql' ? createMysqlDatabases(baseDir, serverUrl) : createSqliteDatabases(baseDir);
}

function createSqliteDatabases(baseDir: string): TestDatabases {
  const paths = {
    control: join(baseDir, 'control.sqlite'),
    source: join(baseDir, 'source.sqlite'),
    archive: join(baseDir, 'archive.sqlite'),
  };
  const handles: Database.Database[] = [];
  const raw = (path: string): RawSql => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.defaultSafeIntegers(true);
    handles.push(db);
    return async <T>(sql: string, params: unknown[] = []) => {
      const statement = db.prepare(sql);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
    };
  };
  return {
    engine: 'sqlite',
    env: {
      CONTROL_DB_URL: `sqlite:${paths.control}`,
      SOURCE_DB_URL: `sqlite:${paths.source}`,
      ARCHIVE_DB_URL: `sqlite:${paths.archive}`,
    },
    baseDir,
    names: { control: 'main', source: 'main', archive: 'main' },
    control: raw(paths.control),
    source: raw(paths.source),
    archive: raw(paths.archive),
    drop: async () => {
      handles.forEach((db) => db.close());
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

async function createMysqlDatabases(baseDir: string, otherServer?: string): Promise<TestDatabases> {
  const serverUrl = otherServer ?? testMysqlUrl();
  if (!serverUrl) {
    throw new Error('no MariaDB server for tests (TEST_MYSQL_URL)');
  }
  const prefix = `das_${randomBytes(4).toString('hex')}`;
  const names = { control: `${prefix}_control`, source: `${prefix}_source`, archive: `${prefix}_archive` };
  const admin = await mysqlConnection(serverUrl);
  for (const name of Object.values(names)) {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }
  const pools: Pool[] = [];
  // A small pool rather than one connection: fault tests restart the server, and a pool replaces
  // a connection that died with it.
  const raw = (database: string): RawSql => {
    const pool = mysqlPool(serverUrl, database);
    pools.push(pool);
    return async <T>(sql: string, params: unknown[] = []) => {
      const [rows] = await pool.promise().query(sql, params);
      return (Array.isArray(rows) ? rows : []) as T[];
    };
  };
  const urlFor = (database: string) => serverUrl.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
  return {
    engine: 'mysql',
    env: {
      CONTROL_DB_URL: urlFor(names.control),
      SOURCE_DB_URL: urlFor(names.source),
      ARCHIVE_DB_URL: urlFor(names.archive),
    },
    baseDir,
    names,
    control: raw(names.control),
    source: raw(names.source),
    archive: raw(names.archive),
    drop: async () => {
      // The first pool outlives a server restart, unlike a single connection would.
      const dropper = pools[0].promise();
      for (const name of Object.values(names)) {
        await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      }
      await admin.end().catch(() => undefined);
      await Promise.all(pools.map((pool) => pool.promise().end()));
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

/** Options of the tests' raw connections: values exactly as stored (strings for BIGINT, DECIMAL, dates, JSON). */
function rawOptions(url: string, database?: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: database ?? (parsed.pathname.replace(/^\//, '') || undefined),
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    multipleStatements: true,
    charset: 'utf8mb4_unicode_ci',
  };
}

/** A small pool of raw connections, each in UTC. */
function mysqlPool(url: string, database: string): Pool {
  const pool = createPool({ ...rawOptions(url, database), connectionLimit: 3 });
  pool.on('connection', (connection) => connection.query("SET time_zone = '+00:00'"));
  return pool;
}

/** A raw connection that returns values exactly as stored (strings for BIGINT, DECIMAL, dates, JSON). */
export async function mysqlConnection(url: string, database?: string): Promise<Connection> {
  const connection = await createConnection(rawOptions(url, database));
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}

/** Rows of `table` a session reading uncommitted changes sees: what open transactions have written, too. */
export async function uncommittedCount(url: string, table: string): Promise<number> {
  const connection = await mysqlConnection(url);
  try {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
    const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
    return Number((rows as Array<{ n: unknown }>)[0].n);
  } finally {
    await connection.end();
  }
}
