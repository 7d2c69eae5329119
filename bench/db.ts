import { Connection, createConnection } from 'mysql2/promise';

/** Where a MariaDB/MySQL server listens, and how the benchmark logs in (as an administrator). */
export interface ServerRef {
  /** Short name used in logs and results: `A`, `B`, or the URL's host:port. */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** A database on a server, with an open administrative connection to it. */
export interface DatabaseRef {
  readonly server: ServerRef;
  readonly database: string;
  readonly conn: Connection;
}

/** A table in a database: the unit that seeding, checksums and movers work on. */
export interface TableRef extends DatabaseRef {
  readonly table: string;
}

/** Backtick-quotes an identifier (database, table, column). */
export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `db`.`table`, for SQL that crosses databases on one server. */
export function qualified(ref: { database: string; table: string }): string {
  return `${quoteId(ref.database)}.${quoteId(ref.table)}`;
}

export function serverFromUrl(url: string, label?: string): { server: ServerRef; database: string } {
  const parsed = new URL(url);
  if (!/^(mysql|mariadb):$/.test(parsed.protocol)) {
    throw new Error(`not a mysql:// or mariadb:// URL: ${parsed.protocol}//${parsed.host}`);
  }
  const port = Number(parsed.port || 3306);
  return {
    server: {
      label: label ?? `${parsed.hostname}:${port}`,
      host: parsed.hostname,
      port,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
    },
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

export function serverUrl(server: ServerRef, database: string): string {
  const auth = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}`;
  return `mysql://${auth}@${server.host}:${server.port}/${encodeURIComponent(database)}`;
}

export function sameServer(a: ServerRef, b: ServerRef): boolean {
  return a.host === b.host && a.port === b.port;
}

/**
 * An administrative connection that returns every value as the server's text (BIGINT, DECIMAL,
 * dates, JSON), so counts and checksums are compared exactly.
 */
export async function connect(server: ServerRef, database?: string): Promise<Connection> {
  const conn = await createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    charset: 'utf8mb4_general_ci',
  });
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

/** The first column of the first row, as text ('' for NULL or no row). */
export async function scalar(conn: Connection, sql: string, params: unknown[] = []): Promise<string> {
  const [rows] = await conn.query({ sql, values: params, rowsAsArray: true });
  // The connection returns numbers, dates and JSON as text; a Buffer is a binary string.
  const value = (rows as Array<Array<string | number | Buffer | null>>)[0]?.[0];
  if (value === null || value === undefined) {
    return '';
  }
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

export async function scalarNumber(conn: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const text = await scalar(conn, sql, params);
  const value = Number(text || 0);
  if (!Number.isFinite(value)) {
    throw new Error(`expected a number from "${sql.slice(0, 60)}…", got ${text}`);
  }
  return value;
}

export async function tableExists(ref: { conn: Connection; database: string; table: string }): Promise<boolean> {
  const count = await scalarNumber(
    ref.conn,
    'SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [ref.database, ref.table],
  );
  return count > 0;
}
