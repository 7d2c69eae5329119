import { redactDatabaseUrl } from './database-url';

/** Where BullMQ's Redis is: REDIS_URL, parsed. */
export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  /** Redis 6 ACL user; null for the default user. */
  readonly username: string | null;
  /** null without AUTH. Never logged (it is one of the configured secrets). */
  readonly password: string | null;
  /** Database index (the URL's path, `/0` by default). */
  readonly db: number;
  /** `rediss://`: TLS. */
  readonly tls: boolean;
  /** The URL with its password replaced by `***`, for logs and messages. */
  readonly display: string;
}

/**
 * Parses `redis://[user:password@]host[:6379][/db]` (or `rediss://` for TLS). Throws an Error whose
 * message never contains the password.
 */
export function parseRedisUrl(raw: string): RedisSettings {
  const url = raw.trim();
  const display = redactDatabaseUrl(url);
  if (!/^rediss?:\/\//i.test(url)) {
    throw new Error(`must be a redis:// or rediss:// URL, e.g. redis://redis:6379 (got ${display})`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a valid URL: ${display}`);
  }
  if (!parsed.hostname) {
    throw new Error(`the URL must name a host, e.g. redis://redis:6379 (got ${display})`);
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) {
    throw new Error(`the URL's path must be a database index from 0 to 99, e.g. redis://redis:6379/0 (got ${display})`);
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : null,
    password: parsed.password ? decodeURIComponent(parsed.password) : null,
    db: path === '' ? 0 : Number(path),
    tls: parsed.protocol.toLowerCase() === 'rediss:',
    display,
  };
}
