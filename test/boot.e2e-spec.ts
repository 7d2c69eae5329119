import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp, startTestApp, useTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

describeEachEngine('the service boots', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  useTestApp(engine, (started) => ({ databases, app } = started));

  it('applies the control migrations', async () => {
    const tables = await databases.control<{ name: string }>(
      engine === 'mysql'
        ? 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()'
        : "SELECT name FROM sqlite_master WHERE type = 'table'",
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['users', 'policies', 'job_runs', 'job_leases', 'audit_entries', 'das_migrations']),
    );
  });

  it('serves the OpenAPI document', async () => {
    const response = await app.http().get('/docs-json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
  });

  it('documents every API route: tag, summary, success and error responses, bearer auth where needed', async () => {
    const document = (await app.http().get('/docs-json')).body as OpenApiDocument;
    const publicRoutes = new Set(['post /api/v1/auth/signup', 'post /api/v1/auth/login', 'get /health', 'get /ready']);
    const problems: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        checked += 1;
        const route = `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`;
        const codes = Object.keys(operation.responses ?? {});
        if (!operation.summary) {
          problems.push(`${route}: no summary`);
        }
        if (!operation.tags?.length) {
          problems.push(`${route}: no tag`);
        }
        if (!codes.some((code) => code.startsWith('2'))) {
          problems.push(`${route}: no success response`);
        }
        const isPublic = publicRoutes.has(`${method} ${path}`);
        if (!isPublic && !(operation.security ?? []).some((entry) => 'bearer' in entry)) {
          problems.push(`${route}: bearer auth not declared`);
        }
        if (!isPublic && !codes.includes('401')) {
          problems.push(`${route}: 401 not documented`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
    // Request and response bodies are described down to their properties.
    const emptySchemas = Object.entries(document.components.schemas)
      .filter(([, schema]) => schema.type === 'object' && !schema.properties && !schema.additionalProperties)
      .map(([name]) => name);
    expect(emptySchemas).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/policies',
        '/api/v1/archives/{tableName}',
        '/api/v1/runs/{id}',
        '/api/v1/audit',
      ]),
    );
  });
});

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { summary?: string; tags?: string[]; responses?: Record<string, unknown>; security?: object[] }>
  >;
  components: { schemas: Record<string, { type?: string; properties?: object; additionalProperties?: unknown }> };
}

describe('the embedded default (no database URLs)', () => {
  let app: TestApp;
  let baseDir: string;

  beforeAll(async () => {
    const databases = await createTestDatabases('sqlite');
    baseDir = databases.baseDir;
    // No *_DB_URL at all: everything goes to ./data under the base directory.
    app = await startTestApp({ ...databases, env: {} });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates three SQLite files under ./data and seeds the sample orders table', async () => {
    for (const file of ['control.sqlite', 'source.sqlite', 'archive.sqlite']) {
      expect(existsSync(join(baseDir, 'data', file))).toBe(true);
    }
    const Database = (await import('better-sqlite3')).default;
    const source = new Database(join(baseDir, 'data', 'source.sqlite'), { readonly: true });
    const { count, oldest, newest } = source
      .prepare('SELECT COUNT(*) AS count, MIN(created_at) AS oldest, MAX(created_at) AS newest FROM orders')
      .get() as { count: number; oldest: string; newest: string };
    source.close();
    expect(count).toBeGreaterThanOrEqual(10_000);
    const spanDays = (Date.parse(newest) - Date.parse(oldest)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(2 * 365);
  });
});
