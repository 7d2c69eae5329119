import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/database-url';
import { controlDataSourceOptions } from '../src/database/data-source-options';
import { InitialSchema1763770000000 } from '../src/database/migrations/1763770000000-InitialSchema';
import { caller, createDatedTable, startRun, waitForRunEnd } from './support/job-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

/**
 * A control database from before connections existed (only the initial migration, a policy and a
 * run in it): the service's start migrates it, and what was there belongs to the built-in
 * connections, as it always did.
 */
describeEachEngine('upgrading a control database to connections', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    const settings = parseDatabaseUrl(databases.env.CONTROL_DB_URL, databases.baseDir);
    const before = await new DataSource({
      ...controlDataSourceOptions(settings),
      migrations: [InitialSchema1763770000000],
    }).initialize();
    await before.runMigrations();
    const at = '2026-01-01 00:00:00';
    await before.query(
      'INSERT INTO policies (table_name, date_column, archive_after_days, delete_after_days, criteria, enabled, created_at, updated_at) ' +
        "VALUES ('orders', 'created_at', 30, 50, '[]', 1, ?, ?)",
      [at, at],
    );
    // SQLite reads MySQL's backquotes too: `trigger` is a reserved word in MySQL.
    await before.query(
      'INSERT INTO job_runs (job, table_name, status, `trigger`, started_at, finished_at) ' +
        "VALUES ('archive', 'orders', 'succeeded', 'schedule', ?, ?)",
      [at, at],
    );
    await before.destroy();
    await createDatedTable(databases, 'orders', { old: 12, recent: 3 });
    app = await startTestApp(databases);
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('gives existing policies and runs the built-in connections, and the policy still runs', async () => {
    const admin = caller(app, await app.adminToken());
    expect((await admin.get('/api/v1/policies/orders')).body).toMatchObject({
      tableName: 'orders',
      sourceConnection: 'source',
      archiveConnection: 'archive',
    });
    const [oldRun] = (await admin.get('/api/v1/runs')).body as Array<Record<string, unknown>>;
    expect(oldRun).toMatchObject({ tableName: 'orders', sourceConnection: 'source', archiveConnection: 'archive' });

    const run = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
    expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 12, sourceConnection: 'source' });
  });
});
