import { randomBytes } from 'node:crypto';
import { Connection } from 'mysql2/promise';
import { TestApp } from './test-app';
import { RawSql, mysqlConnection } from './test-databases';

/** A database of its own on a MariaDB server, reached by a login of its own: what a stored connection points at. */
export interface ConnectionTarget {
  readonly schema: string;
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  /** `mysql://user:password@host:port/schema` (password URL-encoded). */
  readonly url: string;
  /** SQL on the schema as the server's admin (fixtures and assertions, bypassing DAS). */
  readonly sql: RawSql;
  drop(): Promise<void>;
}

/** What each role's login is granted: as the README advises, no more. */
export const ROLE_GRANTS = {
  source: 'SELECT, DELETE',
  archive: 'ALL PRIVILEGES',
} as const;

/**
 * Creates a schema and a login with `grants` on it on the server of `adminUrl` (a root URL). Names
 * get a random suffix, so that test files and reruns never collide.
 */
export async function createConnectionTarget(
  adminUrl: string,
  label: string,
  grants: string,
): Promise<ConnectionTarget> {
  const suffix = randomBytes(3).toString('hex');
  const schema = `das_${label}_${suffix}`;
  const user = `u_${label}_${suffix}`.slice(0, 32);
  const password = `pw-${label}-${randomBytes(9).toString('base64url')}`;
  const admin = await mysqlConnection(adminUrl);
  await admin.query(`CREATE DATABASE \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
  await admin.query(`GRANT ${grants} ON \`${schema}\`.* TO ?@?`, [user, '%']);
  const onSchema: Connection = await mysqlConnection(adminUrl, schema);
  const parsed = new URL(adminUrl);
  const host = parsed.hostname;
  const port = Number(parsed.port || 3306);
  return {
    schema,
    user,
    password,
    host,
    port,
    url: `mysql://${user}:${encodeURIComponent(password)}@${host}:${port}/${schema}`,
    sql: async <T>(statement: string, params: unknown[] = []) => {
      const [rows] = await onSchema.query(statement, params);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    drop: async () => {
      await onSchema.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
      await admin.end();
    },
  };
}

/** A fresh random AES-256 key in base64, as `openssl rand -base64 32` makes one. */
export function newEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** HTTP calls as an admin, with the verbs the connections API needs. */
export function adminClient(app: TestApp, token: string) {
  const auth = `Bearer ${token}`;
  return {
    get: (path: string) => app.http().get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => app.http().post(path).set('Authorization', auth).send(body),
    put: (path: string, body: object) => app.http().put(path).set('Authorization', auth).send(body),
    delete: (path: string) => app.http().delete(path).set('Authorization', auth),
  };
}

export type AdminClient = ReturnType<typeof adminClient>;

/** Adds a connection through the API; fails the test unless it answers 201. */
export async function addConnection(as: AdminClient, body: Record<string, unknown>): Promise<void> {
  const response = await as.post('/api/v1/connections', body);
  if (response.status !== 201) {
    throw new Error(`connection ${String(body.name)} not added: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** A table like createDatedTable's, with `note` telling where a row came from. */
export async function createNotedTable(
  sql: RawSql,
  table: string,
  rows: { old: number; recent: number; note: string },
): Promise<void> {
  await sql(`DROP TABLE IF EXISTS \`${table}\``);
  await sql(
    `CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(100), created_at DATETIME)`,
  );
  const total = rows.old + rows.recent;
  const ids = Array.from({ length: total }, (_, index) => index + 1);
  const daysAgo = (days: number) =>
    new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
  await sql(
    `INSERT INTO \`${table}\` (id, customer_id, note, created_at) VALUES ${ids.map(() => '(?, ?, ?, ?)').join(', ')}`,
    ids.flatMap((id) => [id, id % 7, `${rows.note} ${id}`, daysAgo(id <= rows.old ? 60 : 5)]),
  );
}
