import { openSqlClient } from '../../src/database/open-sql-client';
import { SqlClient } from '../../src/database/sql-client';
import { PolicySpec } from '../../src/archive/engine/engine.types';
import type { TestDatabases } from './test-databases';

/** Source and archive SqlClients on a test's databases, outside Nest: what the engines take. */
export interface EngineClients {
  source: SqlClient;
  archive: SqlClient;
  close(): Promise<void>;
}

export async function openEngineClients(databases: TestDatabases): Promise<EngineClients> {
  const source = await openSqlClient('source', databases.env.SOURCE_DB_URL);
  const archive = await openSqlClient('archive', databases.env.ARCHIVE_DB_URL);
  return {
    source: source.client,
    archive: archive.client,
    close: async () => {
      await source.close();
      await archive.close();
    },
  };
}

/**
 * Drops `table` from the source and the archive (a clean start for each test), then creates it in
 * the source with the DDL of the engine under test.
 */
export async function recreateSourceTable(
  databases: TestDatabases,
  table: string,
  ddl: { mysql: string; sqlite: string },
): Promise<void> {
  const quoted = databases.engine === 'mysql' ? `\`${table}\`` : `"${table}"`;
  await databases.source(`DROP TABLE IF EXISTS ${quoted}`);
  await databases.archive(`DROP TABLE IF EXISTS ${quoted}`);
  await databases.source(databases.engine === 'mysql' ? ddl.mysql : ddl.sqlite);
}

export function policyFor(tableName: string, overrides: Partial<PolicySpec> = {}): PolicySpec {
  return {
    tableName,
    dateColumn: 'created_at',
    archiveAfterDays: 30,
    deleteAfterDays: 365,
    criteria: [],
    ...overrides,
  };
}

/** An ISO-like UTC timestamp `days` days before now, in the form both engines compare as dates. */
export function daysAgo(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Order-independent content of a table as JSON strings, for before/after comparisons in tests. */
export async function tableContent(
  sql: TestDatabases['source'],
  table: string,
  columns: string[],
  engine: TestDatabases['engine'],
): Promise<string[]> {
  const q = (name: string) => (engine === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const rows = await sql<Record<string, unknown>>(`SELECT ${columns.map(q).join(', ')} FROM ${q(table)}`);
  return rows.map((row) => JSON.stringify(columns.map((c) => normalize(row[c])))).sort();
}

function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (Buffer.isBuffer(value)) {
    return `0x${value.toString('hex')}`;
  }
  return value;
}
