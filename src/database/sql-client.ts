import { ConnectionSettings } from '../config/database-url';
import { SqlDialect } from './dialect/sql-dialect';

export interface ExecResult {
  affectedRows: number;
}

/**
 * Bounds on every wait a session of the engines can get into (decision 010): no statement of a job
 * may wait for a row lock, or run, without limit.
 */
export interface SessionLimits {
  /** `innodb_lock_wait_timeout`: the longest one statement waits for a row lock. */
  readonly lockWaitSeconds: number;
  /** MariaDB `max_statement_time`, MySQL `MAX_EXECUTION_TIME` (reads): the longest one statement runs. */
  readonly statementTimeoutSeconds: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { lockWaitSeconds: 10, statementTimeoutSeconds: 120 };

/** How a job holds a session. */
export interface SessionOptions {
  /**
   * Aborted when the job must end now (shutdown deadline, stalled run): the statement in flight is
   * killed on the server and the connection closed, so its transaction rolls back at once instead
   * of when its lock wait or statement limit runs out.
   */
  readonly terminate?: AbortSignal;
}

/**
 * One connection, used by one job at a time. Values are bound as parameters, never interpolated.
 * Integers beyond 2^53 come back as strings (MySQL) or bigints (SQLite), so nothing is rounded.
 */
export interface SqlSession {
  readonly dialect: SqlDialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays in select-list order: no per-row key objects, for the hot path. */
  queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  execute(sql: string, params?: readonly unknown[]): Promise<ExecResult>;
  /**
   * MySQL/MariaDB only: runs a `LOAD DATA LOCAL INFILE` statement, answering the server's request
   * for the file with `data`. Undefined on engines without it.
   */
  loadLocalData?(sql: string, params: readonly unknown[], data: Buffer): Promise<ExecResult>;
  /** Starts a transaction; on MySQL/MariaDB at READ COMMITTED, so locking reads lock only matching rows. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** A database that holds user tables (source or archive), as the engines see it. */
export interface SqlClient {
  /** `source` or `archive` (later: any named connection). */
  readonly name: string;
  readonly dialect: SqlDialect;
  readonly settings: ConnectionSettings;
  /** The schema (MySQL database) that unqualified table names resolve to; `main` on SQLite. */
  readonly schema: string;
  /** Sessions this client can hold at once: its pool's size (MySQL), 1 (SQLite's single connection). */
  readonly maxSessions: number;
  /**
   * Runs `work` on a dedicated session and releases it afterwards; an open transaction is rolled
   * back. On SQLite sessions are serialised, since the file has one writer anyway.
   */
  withSession<T>(work: (session: SqlSession) => Promise<T>, options?: SessionOptions): Promise<T>;
}
