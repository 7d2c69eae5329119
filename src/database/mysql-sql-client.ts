import { Readable } from 'node:stream';
import type { Pool, PoolConnection } from 'mysql2';
import { MysqlConnectionSettings } from '../config/database-url';
import { MysqlDialect } from './dialect/mysql-dialect';
import { LockWaitInspector } from './lock-wait-inspector';
import { DEFAULT_SESSION_LIMITS, ExecResult, SessionLimits, SessionOptions, SqlClient, SqlSession } from './sql-client';

/**
 * Session settings applied each time a connection is taken for a job:
 * - UTC, so TIMESTAMP values are not shifted between source and archive;
 * - strict mode, so a value that does not fit the archive column fails loudly instead of being
 *   truncated (zero dates stay allowed: legacy tables hold them and must be copied as they are);
 * - READ COMMITTED, so `SELECT … FOR UPDATE` locks the matching rows only, not the gaps production
 *   is inserting into;
 * - GROUP_CONCAT up to 1 GiB, so the line copy format's verification hashes a whole batch (a
 *   longer one would be cut, and fail verification).
 * The session limits (lock wait, statement time) follow, in the server's own dialect.
 */
const SESSION_SETTINGS =
  "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO', " +
  'group_concat_max_len = 1073741824';
const SESSION_ISOLATION = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/**
 * How long a job waits for a free pooled connection. mysql2 would queue the request for ever; a
 * pool whose connections are all held by long runs must fail this job with a clear message instead.
 */
export const ACQUIRE_TIMEOUT_MS = 30_000;

/**
 * This process's own bound on a statement, beyond the server's: if the server never answers (a cut
 * network without a reset, a hung server), the connection is closed and the batch rolled back.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 15_000;

/** mysql2's code for a query that outlived its client-side timeout. */
const CLIENT_TIMEOUT_CODE = 'PROTOCOL_SEQUENCE_TIMEOUT';

export class MysqlSqlClient implements SqlClient {
  readonly dialect = new MysqlDialect();
  private settingsStatement: Promise<string> | null = null;
  private readonly inspector: LockWaitInspector;

  constructor(
    readonly name: string,
    readonly settings: MysqlConnectionSettings,
    /** The pool to take connections from: TypeORM's (service) or one of its own (openSqlClient). */
    private readonly pool: () => Pool,
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {
    this.inspector = new LockWaitInspector(() => this.acquire(), limits);
  }

  get schema(): string {
    return this.settings.database;
  }

  get maxSessions(): number {
    // mysql2 fills in its default (10) when the options name none.
    return this.pool().config.connectionLimit ?? 10;
  }

  async withSession<T>(work: (session: SqlSession) => Promise<T>, options: SessionOptions = {}): Promise<T> {
    options.terminate?.throwIfAborted();
    const connection = await this.acquire();
    const session = new MysqlSession(connection, this.dialect, this.limits, this.inspector);
    const terminate = () => void this.inspector.kill(connection);
    options.terminate?.addEventListener('abort', terminate, { once: true });
    try {
      await session.execute(await this.sessionSettings(session));
      await session.execute(SESSION_ISOLATION);
      return await work(session);
    } finally {
      options.terminate?.removeEventListener('abort', terminate);
      // A transaction left open (failure, or a caller that forgot) must not go back to the pool.
      if (!options.terminate?.aborted && (await session.settle())) {
        connection.release();
      } else {
        connection.destroy();
      }
    }
  }

  /**
   * The session settings with this client's limits, in the dialect of its server (asked once):
   * MariaDB bounds every statement with `max_statement_time` (seconds); MySQL bounds reads with
   * `max_execution_time` (milliseconds) and has no general limit for writes, which the lock wait
   * timeout and this process's own statement timeout bound instead.
   */
  private sessionSettings(session: SqlSession): Promise<string> {
    this.settingsStatement ??= (async () => {
      const [row] = await session.queryArrays('SELECT VERSION()');
      const lockWait = `innodb_lock_wait_timeout = ${this.limits.lockWaitSeconds}`;
      const statementTime = /mariadb/i.test(String(row?.[0]))
        ? `max_statement_time = ${this.limits.statementTimeoutSeconds}`
        : `max_execution_time = ${this.limits.statementTimeoutSeconds * 1000}`;
      return `${SESSION_SETTINGS}, ${lockWait}, ${statementTime}`;
    })();
    this.settingsStatement.catch(() => (this.settingsStatement = null));
    return this.settingsStatement;
  }

  private acquire(): Promise<PoolConnection> {
    const pool = this.pool();
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(
          new Error(
            `${this.name}: no free database connection within ${ACQUIRE_TIMEOUT_MS / 1000} s ` +
              `(pool of ${this.maxSessions}, all in use by running jobs); run fewer jobs at once or raise connectionLimit`,
          ),
        );
      }, ACQUIRE_TIMEOUT_MS);
      pool.getConnection((error, connection) => {
        clearTimeout(timer);
        if (late) {
          // Given up on already: hand it straight back.
          connection?.release();
        } else if (error) {
          reject(error);
        } else {
          resolve(connection);
        }
      });
    });
  }
}

/**
 * Transactions without a START TRANSACTION round trip each: the first begin() turns autocommit off,
 * after which every COMMIT or ROLLBACK leaves the session ready for the next transaction, which the
 * server opens with its first statement. A batch loop saves one round trip per transaction per
 * session (on a busy two-core host, ~1 ms each). A statement sent outside begin()…commit() turns
 * autocommit back on first, so it runs and commits on its own as before, and the connection goes
 * back to the pool with autocommit on.
 */
class MysqlSession implements SqlSession {
  broken = false;
  private inTransaction = false;
  private autocommitOff = false;
  private readonly clientTimeoutMs: number;

  constructor(
    private readonly connection: PoolConnection,
    readonly dialect: MysqlDialect,
    limits: SessionLimits,
    private readonly inspector: LockWaitInspector,
  ) {
    this.clientTimeoutMs = limits.statementTimeoutSeconds * 1000 + CLIENT_TIMEOUT_MARGIN_MS;
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.statement<T[]>(sql, params, false);
  }

  queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.statement<unknown[][]>(sql, params, true);
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<ExecResult> {
    const header = await this.statement<{ affectedRows: number }>(sql, params, false);
    return { affectedRows: header.affectedRows };
  }

  async begin(): Promise<void> {
    if (this.inTransaction) {
      // Starting another would silently commit the open one: never let that happen by mistake.
      throw new Error('a transaction is already open on this session');
    }
    if (!this.autocommitOff) {
      await this.run('SET autocommit = 0', [], false);
      this.autocommitOff = true;
    }
    this.inTransaction = true;
  }

  async commit(): Promise<void> {
    await this.run('COMMIT', [], false);
    this.inTransaction = false;
  }

  async rollback(): Promise<void> {
    this.inTransaction = false;
    try {
      await this.run('ROLLBACK', [], false);
    } catch (error) {
      // The transaction may still be open: turning autocommit back on would commit it, so this
      // connection is never used again.
      this.broken = true;
      throw error;
    }
  }

  /**
   * Rolls back an open transaction and turns autocommit back on; false when the connection is
   * unusable and must be destroyed rather than pooled.
   */
  async settle(): Promise<boolean> {
    if (this.broken) {
      return false;
    }
    try {
      if (this.inTransaction) {
        await this.rollback();
      }
      await this.autocommitOutsideTransactions();
      return true;
    } catch {
      return false;
    }
  }

  async loadLocalData(sql: string, params: readonly unknown[], data: Buffer): Promise<ExecResult> {
    // The server asks for the "file" named in the statement; this stream answers with `data`, and
    // no file on disk is ever read. An empty chunk would be sent as the end-of-file packet, followed
    // by a second one the server does not expect: no data is an empty stream.
    const chunks = data.length > 0 ? [data] : [];
    const header = await this.statement<{ affectedRows: number }>(sql, params, false, () => Readable.from(chunks));
    return { affectedRows: header.affectedRows };
  }

  /** A caller's statement: outside a transaction it must run with autocommit on, as it always did. */
  private async statement<T>(
    sql: string,
    params: readonly unknown[],
    rowsAsArray: boolean,
    infile?: () => Readable,
  ): Promise<T> {
    await this.autocommitOutsideTransactions();
    return this.run<T>(sql, params, rowsAsArray, infile);
  }

  /** Between transactions with autocommit off, the next statement would open one nobody commits. */
  private async autocommitOutsideTransactions(): Promise<void> {
    if (this.autocommitOff && !this.inTransaction) {
      if (this.broken) {
        throw new Error('this connection failed during a transaction and cannot be used again');
      }
      await this.run('SET autocommit = 1', [], false);
      this.autocommitOff = false;
    }
  }

  private run<T>(sql: string, params: readonly unknown[], rowsAsArray: boolean, infile?: () => Readable): Promise<T> {
    // Inside a transaction a statement may wait for row locks: if it is still waiting after a
    // while, ask the server who holds them, so that a lock wait timeout can name the blocker.
    const watch = this.inTransaction ? this.inspector.watch(this.connection.threadId) : null;
    return new Promise<T>((resolve, reject) => {
      const options = {
        sql,
        values: params as unknown[],
        rowsAsArray,
        timeout: this.clientTimeoutMs,
        ...(infile ? { infileStreamFactory: infile } : {}),
      };
      this.connection.query(options, (error, result) => {
        if (error) {
          if ((error as { fatal?: boolean }).fatal || (error as { code?: string }).code === CLIENT_TIMEOUT_CODE) {
            // The connection's state is unknown (a client timeout leaves the statement running):
            // it is never used again, and closing it makes the server roll its transaction back.
            this.broken = true;
            this.connection.destroy();
          }
          reject(watch ? watch.explain(error) : error);
        } else {
          resolve(result as T);
        }
      });
    }).finally(() => watch?.stop());
  }
}
