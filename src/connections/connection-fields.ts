import { isAbsolute, resolve } from 'node:path';
import type { PoolOptions } from 'mysql2';
import { ConnectionSettings } from '../config/database-url';
import { InvalidConnectionError } from './connection-errors';
import { CONNECTION_ENGINES, CONNECTION_ROLES, ConnectionEngine, ConnectionRole } from './connection-names';
import { PlainSecret } from './secret-cipher';

/** Driver options a stored connection may set, with their checks; anything else is refused. */
const OPTION_RULES: Readonly<Record<string, (value: unknown) => string | null>> = {
  /** Connections its pool holds at most (default CONNECTION_POOL_LIMIT). */
  connectionLimit: (value) => integerProblem(value, 1, 64),
  /** Milliseconds to establish a connection (default 10000). */
  connectTimeout: (value) => integerProblem(value, 1000, 60_000),
  /** TLS: `true` (verify the server against the system CAs) or a mysql2 profile name such as "Amazon RDS". */
  ssl: (value) =>
    value === true || value === false || (typeof value === 'string' && /^[\w .-]{1,64}$/.test(value))
      ? null
      : 'must be true, false or a profile name such as "Amazon RDS"',
};

export type ConnectionOptions = Record<string, string | number | boolean>;

/** A connection as the caller described it, checked and normalised, password still in the clear. */
export interface ConnectionFields {
  role: ConnectionRole;
  engine: ConnectionEngine;
  host: string | null;
  port: number | null;
  /** MySQL/MariaDB database name, or the SQLite file's absolute path. */
  database: string;
  username: string | null;
  /** undefined: not given (an update keeps the stored one); null: no password. */
  password: PlainSecret | null | undefined;
  options: ConnectionOptions;
}

/** What the API and the CLI accept: a URL, or the parts one by one (not both). */
export interface ConnectionInput {
  role?: string;
  url?: string;
  engine?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string | null;
  options?: Record<string, unknown>;
}

/**
 * Checks a connection description and returns its normalised fields. Every problem is reported
 * at once; no message repeats the URL or the password (a malformed URL may hide a password
 * anywhere in it).
 * @throws InvalidConnectionError
 */
export function connectionFieldsOf(input: ConnectionInput, baseDir: string): ConnectionFields {
  const problems: string[] = [];
  if (!(CONNECTION_ROLES as readonly string[]).includes(input.role ?? '')) {
    problems.push(`role must be one of: ${CONNECTION_ROLES.join(', ')}`);
  }
  const role = input.role as ConnectionRole;
  const partsGiven = (['engine', 'host', 'port', 'database', 'user'] as const).filter(
    (field) => input[field] !== undefined,
  );
  let fields: Omit<ConnectionFields, 'role' | 'options'> & { options: Record<string, unknown> };
  if (input.url !== undefined) {
    if (partsGiven.length > 0) {
      problems.push(
        `give either url or engine, host, port, database and user, not both (got url and ${partsGiven.join(', ')})`,
      );
    }
    fields = fieldsOfUrl(input.url, baseDir, problems);
    if (input.password !== undefined) {
      fields.password = input.password === null ? null : new PlainSecret(input.password);
    }
    if (fields.engine === 'sqlite' && fields.password) {
      problems.push('a sqlite connection has no password');
    }
  } else {
    fields = fieldsOfParts(input, baseDir, problems);
  }
  const options = optionsOf({ ...fields.options, ...(input.options ?? {}) }, fields.engine, problems);
  if (problems.length > 0) {
    throw new InvalidConnectionError(problems);
  }
  return { ...fields, role, options };
}

function fieldsOfUrl(
  url: string,
  baseDir: string,
  problems: string[],
): Omit<ConnectionFields, 'role' | 'options'> & { options: Record<string, unknown> } {
  const empty = {
    engine: 'mysql' as const,
    host: null,
    port: null,
    database: '',
    username: null,
    password: undefined,
    options: {},
  };
  const text = url.trim();
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '' || path === ':memory:') {
      problems.push('a sqlite url needs a file path, e.g. sqlite:./data/shop.sqlite');
      return empty;
    }
    return { ...empty, engine: 'sqlite', database: absolutePath(path, baseDir), password: null };
  }
  const scheme = /^(mysql|mariadb):\/\//.exec(text)?.[1] as 'mysql' | 'mariadb' | undefined;
  let parsed: URL | null = null;
  try {
    parsed = scheme ? new URL(text) : null;
  } catch {
    parsed = null;
  }
  const database = parsed ? safeDecode(parsed.pathname.replace(/^\//, '')) : null;
  if (!scheme || !parsed || !parsed.hostname || !database) {
    problems.push(
      'url must look like mysql://user:password@host:3306/database (or mariadb://…, or sqlite:path); ' +
        'URL-encode special characters of the password',
    );
    return empty;
  }
  const options: Record<string, unknown> = {};
  parsed.searchParams.forEach((value, key) => (options[key] = optionValueOf(value)));
  const password = safeDecode(parsed.password);
  return {
    engine: scheme,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    database,
    username: parsed.username ? safeDecode(parsed.username) : null,
    // No password in the URL: an update keeps the stored one (see ConnectionFields.password).
    password: password ? new PlainSecret(password) : undefined,
    options,
  };
}

function fieldsOfParts(
  input: ConnectionInput,
  baseDir: string,
  problems: string[],
): Omit<ConnectionFields, 'role' | 'options'> & { options: Record<string, unknown> } {
  const engine = input.engine as ConnectionEngine;
  if (!(CONNECTION_ENGINES as readonly string[]).includes(input.engine ?? '')) {
    problems.push(`give a url, or an engine (one of: ${CONNECTION_ENGINES.join(', ')}) with its database`);
  }
  if (input.database === undefined || input.database === '') {
    problems.push(engine === 'sqlite' ? 'database must be the SQLite file path' : 'database is required');
  }
  const password =
    input.password === undefined ? undefined : input.password === null ? null : new PlainSecret(input.password);
  if (engine === 'sqlite') {
    const extra = (['host', 'port', 'user'] as const).filter((field) => input[field] !== undefined);
    if (extra.length > 0 || (input.password !== undefined && input.password !== null)) {
      problems.push(`a sqlite connection has only a database (file path); remove ${[...extra, 'password'].join(', ')}`);
    }
    return {
      engine,
      host: null,
      port: null,
      database: input.database ? absolutePath(input.database, baseDir) : '',
      username: null,
      password: null,
      options: {},
    };
  }
  if (input.host === undefined) {
    problems.push('host is required');
  }
  if (input.user === undefined) {
    problems.push('user is required');
  }
  return {
    engine,
    host: input.host ?? null,
    port: input.port ?? 3306,
    database: input.database ?? '',
    username: input.user ?? null,
    password,
    options: {},
  };
}

function optionsOf(raw: Record<string, unknown>, engine: ConnectionEngine, problems: string[]): ConnectionOptions {
  const options: ConnectionOptions = {};
  for (const [name, value] of Object.entries(raw)) {
    const rule = OPTION_RULES[name];
    if (engine === 'sqlite') {
      problems.push(`a sqlite connection takes no options (got ${name})`);
    } else if (!rule) {
      problems.push(`option ${name} is not supported; supported: ${Object.keys(OPTION_RULES).join(', ')}`);
    } else {
      const problem = rule(value);
      if (problem) {
        problems.push(`option ${name} ${problem}`);
      } else {
        options[name] = value as string | number | boolean;
      }
    }
  }
  return options;
}

/**
 * Connection settings for the driver, password in the clear: built at the moment a pool or a test
 * connection is opened, never stored or logged.
 */
export function settingsOf(
  fields: Omit<ConnectionFields, 'role' | 'password'>,
  password: PlainSecret | null,
): ConnectionSettings {
  if (fields.engine === 'sqlite') {
    return { engine: 'sqlite', path: fields.database };
  }
  return {
    engine: 'mysql',
    host: fields.host ?? 'localhost',
    port: fields.port ?? 3306,
    user: fields.username ?? '',
    password: password?.reveal() ?? '',
    database: fields.database,
    options: {},
  };
}

/** The stored driver options as mysql2 pool options. */
export function poolOptionsOf(options: ConnectionOptions): PoolOptions {
  const { ssl, ...rest } = options;
  return {
    ...(rest as PoolOptions),
    ...(ssl === true ? { ssl: {} } : typeof ssl === 'string' ? { ssl } : {}),
  };
}

function integerProblem(value: unknown, min: number, max: number): string | null {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
    ? null
    : `must be an integer from ${min} to ${max}`;
}

/** URL query values are text; numbers and booleans are given their type so that the same rules apply. */
export function optionValueOf(value: string): unknown {
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  return value === 'true' ? true : value === 'false' ? false : value;
}

function absolutePath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
