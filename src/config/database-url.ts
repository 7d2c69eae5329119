import { isAbsolute, resolve } from 'node:path';

export type DatabaseEngine = 'mysql' | 'sqlite';

export interface MysqlConnectionSettings {
  readonly engine: 'mysql';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Query-string options of the URL that mysql2 understands (e.g. ssl profile, connectionLimit). */
  readonly options: Readonly<Record<string, string>>;
}

export interface SqliteConnectionSettings {
  readonly engine: 'sqlite';
  /** Absolute path of the database file, or ':memory:'. */
  readonly path: string;
}

export type ConnectionSettings = MysqlConnectionSettings | SqliteConnectionSettings;

/**
 * Parses `mysql://user:pass@host:3306/db`, `mariadb://…` or `sqlite:path` into connection settings.
 * Throws an Error whose message never contains the password.
 */
export function parseDatabaseUrl(raw: string, baseDir: string = process.cwd()): ConnectionSettings {
  const url = raw.trim();
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === '') {
      throw new Error('a sqlite URL needs a file path, e.g. sqlite:./data/source.sqlite');
    }
    const path = rest === ':memory:' ? rest : isAbsolute(rest) ? rest : resolve(baseDir, rest);
    return { engine: 'sqlite', path };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`not a valid URL: ${redactDatabaseUrl(url)}`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) {
      throw new Error(
        `the URL must name a database, e.g. mysql://user:pass@host:3306/dbname (got ${redactDatabaseUrl(url)})`,
      );
    }
    const port = parsed.port ? Number(parsed.port) : 3306;
    const options: Record<string, string> = {};
    parsed.searchParams.forEach((value, key) => (options[key] = value));
    return {
      engine: 'mysql',
      host: parsed.hostname || 'localhost',
      port,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      database,
      options,
    };
  }
  throw new Error(`unsupported database URL (use mysql://, mariadb:// or sqlite:): ${redactDatabaseUrl(url)}`);
}

/** The URL with its password replaced by `***`, safe for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)([^@]*)@/i, '$1***@');
}

/** A short human description of where a connection points, without credentials. */
export function describeConnection(settings: ConnectionSettings): string {
  return settings.engine === 'sqlite'
    ? `sqlite:${settings.path}`
    : `mysql://${settings.host}:${settings.port}/${settings.database}`;
}
