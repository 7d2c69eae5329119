/** Thrown when a database does not answer the readiness ping in time. */
export class PingTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'PingTimeoutError';
  }
}

/** Driver error codes an operator recognises, in words. Anything else is reported by its code only. */
const KNOWN_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  PROTOCOL_CONNECTION_LOST: 'connection lost',
  ER_ACCESS_DENIED_ERROR: 'access denied',
  ER_DBACCESS_DENIED_ERROR: 'access denied',
  ER_BAD_DB_ERROR: 'unknown database',
  ER_CON_COUNT_ERROR: 'too many connections',
  SQLITE_CANTOPEN: 'cannot open the database file',
  SQLITE_BUSY: 'database is locked',
  SQLITE_CORRUPT: 'database file is corrupt',
};

/**
 * What the public, unauthenticated /ready answer says about a failed ping. Built from the error
 * code only: driver messages name hosts, users and file paths, which a probe must not expose
 * (the full message goes to the log instead).
 */
export function describePingFailure(error: unknown): string {
  if (error instanceof PingTimeoutError) {
    return error.message;
  }
  const code = errorCode(error);
  if (code === undefined) {
    return 'ping failed';
  }
  const words = KNOWN_CODES[code];
  return words ? `${words} (${code})` : `ping failed (${code})`;
}

/** The driver's error code (mysql2, better-sqlite3 and Node sockets all use `code`), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
}
