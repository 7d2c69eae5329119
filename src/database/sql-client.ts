import { ConnectionSettings } from '../config/database-url';
import { SqlDialect } from './dialect/sql-dialect';

export interface ExecResult {
  affectedRows: number;
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
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}
