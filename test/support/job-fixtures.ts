import request from 'supertest';
import { RunDto } from '../../src/runs/dto/run.dto';
import { daysAgo, tableContent } from './engine-fixtures';
import { TestApp } from './test-app';
import { TestDatabases } from './test-databases';
import { waitFor } from './wait-for';

/** Columns of the tables made by createDatedTable. */
export const DATED_COLUMNS = ['id', 'customer_id', 'note', 'created_at'];

export interface DatedTable {
  /** Rows 60 days old: ids 1..old. */
  old: number;
  /** Rows 5 days old: ids after the old ones. */
  recent?: number;
}

/** A fresh source table (and no archive table) with old rows to archive and recent rows to keep. */
export async function createDatedTable(databases: TestDatabases, table: string, rows: DatedTable): Promise<void> {
  await databases.source(`DROP TABLE IF EXISTS ${table}`);
  await databases.archive(`DROP TABLE IF EXISTS ${table}`);
  await databases.source(
    databases.engine === 'mysql'
      ? `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(100), created_at DATETIME)`
      : `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, note TEXT, created_at DATETIME)`,
  );
  const total = rows.old + (rows.recent ?? 0);
  for (let first = 1; first <= total; first += 500) {
    const ids = Array.from({ length: Math.min(500, total - first + 1) }, (_, index) => first + index);
    await databases.source(
      `INSERT INTO ${table} (id, customer_id, note, created_at) VALUES ${ids.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ids.flatMap((id) => [id, id % 7, `note ${id}`, daysAgo(id <= rows.old ? 60 : 5)]),
    );
  }
}

/** Order-independent content of a table in the source plus the archive (which may not exist yet). */
export async function contentEverywhere(databases: TestDatabases, table: string): Promise<string[]> {
  const source = await tableContent(databases.source, table, DATED_COLUMNS, databases.engine);
  const archive = (await tableExists(databases, 'archive', table))
    ? await tableContent(databases.archive, table, DATED_COLUMNS, databases.engine)
    : [];
  return [...source, ...archive].sort();
}

export async function rowCount(databases: TestDatabases, where: 'source' | 'archive', table: string): Promise<number> {
  if (!(await tableExists(databases, where, table))) {
    return 0;
  }
  const [row] = await databases[where]<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}

async function tableExists(databases: TestDatabases, where: 'source' | 'archive', table: string): Promise<boolean> {
  const rows =
    databases.engine === 'mysql'
      ? await databases[where]('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [
          databases.names[where],
          table,
        ])
      : await databases[where]("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
  return rows.length > 0;
}

/** HTTP calls as one caller of the service at `url` (e.g. one started with startAppProcess), after logging in. */
export async function callerAt(url: string, credentials: { username: string; password: string }): Promise<Caller> {
  const http = () => request(url);
  const login = await http().post('/api/v1/auth/login').send(credentials);
  if (login.status !== 200) {
    throw new Error(`login at ${url} failed: ${login.status} ${JSON.stringify(login.body)}`);
  }
  return caller({ http }, login.body.access_token as string);
}

/** HTTP calls as one caller. */
export function caller(app: Pick<TestApp, 'http'>, token: string) {
  const auth = `Bearer ${token}`;
  return {
    get: (path: string) => app.http().get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => app.http().post(path).set('Authorization', auth).send(body),
  };
}

export type Caller = ReturnType<typeof caller>;

/** Saves a policy through the API (archive after 30 days, purge after 50: the 60-day-old rows qualify for both). */
export async function savePolicy(as: Caller, tableName: string, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await as.post('/api/v1/policies', {
    tableName,
    dateColumn: 'created_at',
    archiveAfterDays: 30,
    deleteAfterDays: 50,
    ...extra,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`policy for ${tableName} not saved: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** A dated table (see createDatedTable) and its policy saved through the API (see savePolicy), with `policy` added. */
export async function seedTableAndPolicy(
  databases: TestDatabases,
  as: Caller,
  tableName: string,
  rows: DatedTable,
  policy: Record<string, unknown> = {},
): Promise<void> {
  await createDatedTable(databases, tableName, rows);
  await savePolicy(as, tableName, policy);
}

/** A run as GET /runs answers it. */
export type RunBody = RunDto;

export async function getRun(as: Caller, id: number): Promise<RunBody> {
  const response = await as.get(`/api/v1/runs/${id}`);
  if (response.status !== 200) {
    throw new Error(`GET /runs/${id}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body as RunBody;
}

/** Polls GET /runs/{id} until the run is no longer `running`. */
export function waitForRunEnd(as: Caller, id: number, timeoutMs = 30_000): Promise<RunBody> {
  return waitFor(
    `run ${id} to end`,
    async () => {
      const run = await getRun(as, id);
      return run.status !== 'running' && run;
    },
    timeoutMs,
  );
}

/** Starts a manual run over HTTP and returns its id (fails the test unless the answer is 202). */
export async function startRun(as: Caller, tableName: string, body: Record<string, unknown>): Promise<number> {
  const response = await as.post(`/api/v1/policies/${tableName}/run`, body);
  if (response.status !== 202) {
    throw new Error(`POST /policies/${tableName}/run: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return (response.body as { runId: number }).runId;
}
