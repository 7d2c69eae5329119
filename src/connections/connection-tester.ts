import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Connection, createConnection } from 'mysql2/promise';
import { ConnectionSettings, MysqlConnectionSettings, SqliteConnectionSettings } from '../config/database-url';
import { errorCode } from '../health/ping-failure';
import { ConnectionRole } from './connection-names';
import { withTimeout } from '../common/with-timeout';

/** A whole connection test (DNS, connect, login, database, privileges) ends within about this long. */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

export const CONNECTION_CHECKS = ['dns', 'connect', 'login', 'database', 'file', 'privileges'] as const;
export type ConnectionCheckName = (typeof CONNECTION_CHECKS)[number];

export interface ConnectionCheck {
  check: ConnectionCheckName;
  ok: boolean;
  message: string;
}

export interface ConnectionTestReport {
  ok: boolean;
  /** The checks in the order they ran; the first failure ends the test. */
  checks: ConnectionCheck[];
}

/** What each role needs, and why (a source is only read and deleted from; an archive is DAS's own). */
export const REQUIRED_PRIVILEGES: Readonly<Record<ConnectionRole, readonly string[]>> = {
  source: ['SELECT', 'DELETE'],
  archive: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER'],
};

/**
 * Checks now, step by step, whether DAS can use a connection for its role, and says what fails:
 * the host name, the port, the login, the database, the privileges. Every step is bounded in time.
 * Messages are built from what was checked and the driver's error code; none contains the password.
 */
export async function testConnection(
  settings: ConnectionSettings,
  role: ConnectionRole,
  timeoutMs: number = CONNECTION_TEST_TIMEOUT_MS,
): Promise<ConnectionTestReport> {
  const checks: ConnectionCheck[] = [];
  const record = (check: ConnectionCheckName, ok: boolean, message: string) => {
    checks.push({ check, ok, message });
    return ok;
  };
  if (settings.engine === 'sqlite') {
    await testSqlite(settings, role, record);
  } else {
    await testMysql(settings, role, Date.now() + timeoutMs, record);
  }
  return { ok: checks.every((check) => check.ok), checks };
}

type RecordCheck = (check: ConnectionCheckName, ok: boolean, message: string) => boolean;

async function testMysql(
  settings: MysqlConnectionSettings,
  role: ConnectionRole,
  deadline: number,
  record: RecordCheck,
): Promise<void> {
  const where = `${settings.host}:${settings.port}`;
  const remaining = () => Math.max(1000, deadline - Date.now());
  if (isIP(settings.host)) {
    record('dns', true, `${settings.host} is an IP address: nothing to look up`);
  } else {
    try {
      const dnsTimeout = remaining();
      const { address } = await withTimeout(
        lookup(settings.host),
        dnsTimeout,
        () => new Error(`no answer within ${dnsTimeout / 1000} s`),
      );
      record('dns', true, `${settings.host} resolves to ${address}`);
    } catch (error) {
      const code = errorCode(error);
      record(
        'dns',
        false,
        code === 'ENOTFOUND'
          ? `host "${settings.host}" not found (DNS: ENOTFOUND)`
          : `looking up host "${settings.host}" failed: ${code ?? (error as Error).message}`,
      );
      return;
    }
  }

  let connection: Connection | null = null;
  try {
    connection = await createConnection({
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      connectTimeout: remaining(),
    });
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && code.startsWith('ER_')) {
      // The server answered the handshake: the network part is fine, the login is not.
      record('connect', true, `${where} answers`);
      record(
        'login',
        false,
        code === 'ER_ACCESS_DENIED_ERROR'
          ? `access denied for user "${settings.user}": wrong password, or the user may not connect from DAS's host (${code})`
          : `the server refused the login of "${settings.user}" (${code})`,
      );
    } else {
      record('connect', false, connectFailure(where, code, remaining()));
    }
    return;
  }
  try {
    const version = await queryValue(connection, 'SELECT VERSION() AS value', [], remaining());
    record('connect', true, `${where} answers (server ${String(version)})`);
    record('login', true, `logged in as "${settings.user}"`);
    try {
      // ?? is the driver's identifier escaping: the name is sent as an identifier, never as SQL.
      await connection.query({ sql: 'USE ??', values: [settings.database], timeout: remaining() });
    } catch (error) {
      const code = errorCode(error);
      record(
        'database',
        false,
        code === 'ER_BAD_DB_ERROR'
          ? `unknown database "${settings.database}" (${code})`
          : code === 'ER_DBACCESS_DENIED_ERROR'
            ? `user "${settings.user}" may not use database "${settings.database}", or it does not exist (${code})`
            : `cannot use database "${settings.database}" (${code ?? 'error'})`,
      );
      return;
    }
    record('database', true, `database "${settings.database}" is there`);
    const missing = await missingPrivileges(connection, settings.database, role, remaining());
    record(
      'privileges',
      missing.length === 0,
      missing.length === 0
        ? `${REQUIRED_PRIVILEGES[role].join(', ')} on "${settings.database}", as a${role === 'archive' ? 'n' : ''} ${role} needs`
        : `missing ${missing.join(', ')} on "${settings.database}": a${role === 'archive' ? 'n' : ''} ${role} connection needs ` +
            `${REQUIRED_PRIVILEGES[role].join(', ')} (GRANT ${missing.join(', ')} ON \`${settings.database}\`.* TO …)`,
    );
  } catch (error) {
    record('privileges', false, `the check did not finish: ${errorCode(error) ?? (error as Error).message}`);
  } finally {
    await connection.end().catch(() => connection?.destroy());
  }
}

/**
 * The privileges of the current user on `database`, from information_schema (global, database and
 * table grants; a database grant may be a pattern such as `shop\_%`, hence LIKE). Privileges reached
 * only through roles are not seen.
 */
async function missingPrivileges(
  connection: Connection,
  database: string,
  role: ConnectionRole,
  timeout: number,
): Promise<string[]> {
  const current = String(await queryValue(connection, 'SELECT CURRENT_USER() AS value', [], timeout));
  const at = current.lastIndexOf('@');
  const grantee = `'${current.slice(0, at)}'@'${current.slice(at + 1)}'`;
  const [rows] = await connection.query({
    sql:
      'SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? ' +
      'UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND ? LIKE TABLE_SCHEMA ' +
      'UNION SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?',
    values: [grantee, grantee, database, grantee, database],
    timeout,
  });
  const granted = new Set((rows as Array<{ privilege: string }>).map((row) => row.privilege.toUpperCase()));
  return REQUIRED_PRIVILEGES[role].filter((privilege) => !granted.has(privilege));
}

async function testSqlite(
  settings: SqliteConnectionSettings,
  role: ConnectionRole,
  record: RecordCheck,
): Promise<void> {
  const exists = await access(settings.path, fsConstants.F_OK).then(
    () => true,
    () => false,
  );
  if (!exists) {
    if (role === 'source') {
      record('file', false, `the SQLite file ${settings.path} does not exist`);
      return;
    }
    const writable = await access(dirname(settings.path), fsConstants.W_OK).then(
      () => true,
      () => false,
    );
    record(
      'file',
      writable,
      writable
        ? `${settings.path} does not exist yet; DAS will create it`
        : `${settings.path} does not exist, and DAS may not create files in ${dirname(settings.path)}`,
    );
    return;
  }
  record('file', true, `${settings.path} exists`);
  try {
    const db = new Database(settings.path, { fileMustExist: true, timeout: 2000 });
    try {
      db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    } finally {
      db.close();
    }
    record('database', true, 'it is a SQLite database');
  } catch (error) {
    record('database', false, `it is not a usable SQLite database (${errorCode(error) ?? (error as Error).message})`);
    return;
  }
  const writable = await access(settings.path, fsConstants.R_OK | fsConstants.W_OK).then(
    () => true,
    () => false,
  );
  record('privileges', writable, writable ? 'DAS may read and write it' : `DAS's user may not write ${settings.path}`);
}

/**
 * One `SELECT 1` over a connection of its own, closed at once: how readiness checks a stored
 * connection whose pool is not open, without opening a pool. Bounded by `timeoutMs`.
 */
export async function pingOnce(settings: ConnectionSettings, timeoutMs: number): Promise<void> {
  if (settings.engine === 'sqlite') {
    const db = new Database(settings.path, { fileMustExist: true, readonly: true, timeout: timeoutMs });
    try {
      db.prepare('SELECT 1').get();
    } finally {
      db.close();
    }
    return;
  }
  const connection = await createConnection({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectTimeout: timeoutMs,
  });
  try {
    await connection.query({ sql: 'SELECT 1', timeout: timeoutMs });
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/** Why a connection could not be made, by the socket error code. */
const CONNECT_FAILURES: Readonly<Record<string, (where: string, timeoutMs: number) => string>> = {
  ECONNREFUSED: (where) => `connection refused: nothing listens on ${where} (ECONNREFUSED)`,
  ETIMEDOUT: (where, timeoutMs) => `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s (ETIMEDOUT)`,
  EHOSTUNREACH: (where) => `${where} is unreachable from DAS's host (EHOSTUNREACH)`,
  ENETUNREACH: (where) => `${where} is unreachable from DAS's host (ENETUNREACH)`,
};

function connectFailure(where: string, code: string | undefined, timeoutMs: number): string {
  const describe = code === undefined ? undefined : CONNECT_FAILURES[code];
  return describe ? describe(where, timeoutMs) : `cannot connect to ${where} (${code ?? 'error'})`;
}

async function queryValue(connection: Connection, sql: string, values: unknown[], timeout: number): Promise<unknown> {
  const [rows] = await connection.query({ sql, values, timeout });
  return (rows as Array<{ value: unknown }>)[0]?.value;
}
