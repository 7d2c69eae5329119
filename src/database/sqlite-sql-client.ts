import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { SqliteConnectionSettings } from '../config/database-url';
import { SqliteDialect } from './dialect/sqlite-dialect';
import { ExecResult, SqlClient, SqlSession } from './sql-client';

/**
 * SQLite through the better-sqlite3 handle that TypeORM opened. better-sqlite3 is synchronous and
 * has one connection, so a job's transaction must not interleave with another job's statements:
 * sessions take turns (a simple FIFO mutex).
 */
export class SqliteSqlClient implements SqlClient {
  readonly dialect = new SqliteDialect();
  readonly schema = 'main';
  readonly maxSessions = 1;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly settings: SqliteConnectionSettings,
    private readonly dataSource: DataSource,
  ) {}

  async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => turn);
    await previous;
    const db = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    const session = new SqliteSession(db, this.dialect);
    try {
      return await work(session);
    } finally {
      if (db.inTransaction) {
        db.exec('ROLLBACK');
      }
      release();
    }
  }
}

const STATEMENT_CACHE_LIMIT = 200;

class SqliteSession implements SqlSession {
  constructor(
    private readonly db: BetterSqlite3.Database,
    readonly dialect: SqliteDialect,
  ) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.statement(sql)
      .raw(false)
      .all(...bindable(params)) as T[];
  }

  async queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.statement(sql)
      .raw(true)
      .all(...bindable(params)) as unknown[][];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<ExecResult> {
    const statement = this.statement(sql);
    if (statement.reader) {
      statement.raw(true).all(...bindable(params));
      return { affectedRows: 0 };
    }
    return { affectedRows: statement.run(...bindable(params)).changes };
  }

  async begin(): Promise<void> {
    if (this.db.inTransaction) {
      throw new Error('a transaction is already open on this database');
    }
    // IMMEDIATE takes the write lock now, so rows read for a batch cannot change before the delete.
    this.db.exec('BEGIN IMMEDIATE');
  }

  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) {
      this.db.exec('ROLLBACK');
    }
  }

  private statement(sql: string): BetterSqlite3.Statement {
    const cache = statementCaches.get(this.db) ?? new Map<string, BetterSqlite3.Statement>();
    statementCaches.set(this.db, cache);
    let statement = cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (statement.reader) {
        statement.safeIntegers(true);
      }
      if (cache.size >= STATEMENT_CACHE_LIMIT) {
        cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
    }
    return statement;
  }
}

const statementCaches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** better-sqlite3 binds numbers, bigints, strings, Buffers and null only. */
function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (typeof value === 'boolean') {
      return value ? 1 : 0;
    }
    if (value instanceof Date) {
      return value.toISOString().replace('T', ' ').replace('Z', '');
    }
    if (value === undefined) {
      return null;
    }
    return value;
  });
}
