/**
 * Names of connections. The env-configured databases are the built-in connections `source` and
 * `archive`; every other connection is stored in the control database.
 */
export const BUILT_IN_SOURCE = 'source';
export const BUILT_IN_ARCHIVE = 'archive';
export const BUILT_IN_CONNECTIONS = [BUILT_IN_SOURCE, BUILT_IN_ARCHIVE] as const;

export const CONNECTION_ROLES = ['source', 'archive'] as const;
export type ConnectionRole = (typeof CONNECTION_ROLES)[number];

/** `mysql` and `mariadb` speak the same protocol and SQL here (the mysql2 driver); kept as given for display. */
export const CONNECTION_ENGINES = ['mysql', 'mariadb', 'sqlite'] as const;
export type ConnectionEngine = (typeof CONNECTION_ENGINES)[number];

/**
 * Letters, digits, `_` and `-`, starting with a letter, at most 32: a name appears in URLs, in
 * permissions (`connection/table`) and in lease names (`archive:connection/table`, which must fit
 * 128 characters with a 64-character table name), so it has no `/`, `:` or spaces.
 */
export const CONNECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
export const CONNECTION_NAME_RULE =
  'a connection name is 1 to 32 characters: a letter, then letters, digits, "_" or "-"';

export function isBuiltInConnection(name: string): boolean {
  return (BUILT_IN_CONNECTIONS as readonly string[]).includes(name);
}

/** Source and archive of a policy must speak the same SQL: MySQL and MariaDB do, SQLite does not. */
export function sameEngineFamily(
  a: ConnectionEngine | 'mysql' | 'sqlite',
  b: ConnectionEngine | 'mysql' | 'sqlite',
): boolean {
  return (a === 'sqlite') === (b === 'sqlite');
}
