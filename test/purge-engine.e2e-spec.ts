import { useEngineDatabases } from './support/engine-databases';
import { ArchivalEngine } from '../src/archive/archival-engine';
import { PurgeEngine } from '../src/purge/purge-engine';
import { EngineClients, daysAgo, policyFor, tableContent, recreateSourceTable } from './support/engine-fixtures';
import { TestDatabases, describeEachEngine } from './support/test-databases';

describeEachEngine('PurgeEngine', (engine) => {
  let databases: TestDatabases;
  let clients: EngineClients;
  const policy = policyFor('orders', { archiveAfterDays: 30, deleteAfterDays: 365 });

  useEngineDatabases(engine, (opened) => ({ databases, clients } = opened));

  beforeEach(async () => {
    await recreateSourceTable(databases, 'orders', {
      mysql: 'CREATE TABLE orders (id INT PRIMARY KEY, created_at DATETIME NULL)',
      sqlite: 'CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at DATETIME)',
    });
    // Ages: 400+ days (expired once archived), 100 days (archived, kept), 1 day (stays in source).
    const values: unknown[] = [];
    for (let id = 1; id <= 900; id++) {
      values.push(id, id <= 450 ? daysAgo(400 + (id % 30)) : id <= 800 ? daysAgo(100) : daysAgo(1));
    }
    await databases.source(`INSERT INTO orders VALUES ${new Array(900).fill('(?, ?)').join(', ')}`, values);
    await new ArchivalEngine().run({
      policy,
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 200,
    });
  });

  it('deletes exactly the archived rows older than deleteAfterDays, in batches', async () => {
    const kept = (await tableContent(databases.archive, 'orders', ['id'], engine)).filter(
      (id) => Number(JSON.parse(id)[0]) > 450,
    );
    const batches: number[] = [];
    const result = await new PurgeEngine().run({
      policy,
      source: clients.source,
      archive: clients.archive,
      runId: 2,
      batchSize: 100,
      onBatch: (p) => {
        batches.push(p.rows);
      },
    });
    expect(result).toMatchObject({ rows: 450, batches: 5, stopReason: 'completed' });
    expect(batches).toEqual([100, 200, 300, 400, 450]);
    expect(await tableContent(databases.archive, 'orders', ['id'], engine)).toEqual(kept);
    const [{ n }] = await databases.source<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(n)).toBe(100);
  });

  it('deletes the same rows when it works key ranges in lanes at once', async () => {
    const kept = (await tableContent(databases.archive, 'orders', ['id'], engine)).filter(
      (id) => Number(JSON.parse(id)[0]) > 450,
    );
    const result = await new PurgeEngine().run({
      policy,
      source: clients.source,
      archive: clients.archive,
      runId: 2,
      batchSize: 40,
      lanes: 2,
    });
    expect(result).toMatchObject({ rows: 450, stopReason: 'completed' });
    expect(result.details.lanes).toBe(engine === 'mysql' ? 2 : undefined);
    expect(await tableContent(databases.archive, 'orders', ['id'], engine)).toEqual(kept);
  });

  it('counts without deleting in a dry run', async () => {
    const result = await new PurgeEngine().run({
      policy,
      source: clients.source,
      archive: clients.archive,
      runId: 3,
      batchSize: 100,
      dryRun: true,
    });
    expect(result).toMatchObject({ rows: 450, dryRun: true });
    const [{ n }] = await databases.archive<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(n)).toBe(800);
  });

  it('walks a composite key in order, batch after batch, deleting exactly the expired rows', async () => {
    await recreateSourceTable(databases, 'order_lines', {
      mysql:
        'CREATE TABLE order_lines (a INT NOT NULL, b VARCHAR(8) NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (a, b))',
      sqlite:
        'CREATE TABLE order_lines (a INTEGER NOT NULL, b TEXT NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (a, b))',
    });
    const values: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      // Expired rows (age 400) interleave with kept ones (age 100) inside each `a`.
      values.push(Math.floor(i / 7), `k${i % 7}`, daysAgo(i % 3 === 0 ? 100 : 400));
    }
    await databases.source(`INSERT INTO order_lines VALUES ${new Array(300).fill('(?, ?, ?)').join(', ')}`, values);
    const lines = policyFor('order_lines', { archiveAfterDays: 30, deleteAfterDays: 365 });
    await new ArchivalEngine().run({
      policy: lines,
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 64,
    });
    const result = await new PurgeEngine().run({
      policy: lines,
      source: clients.source,
      archive: clients.archive,
      runId: 2,
      batchSize: 17,
    });
    expect(result.rows).toBe(200);
    expect(result.batches).toBe(Math.ceil(200 / 17));
    const left = await databases.archive<{ n: unknown; young: unknown }>(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN created_at > ? THEN 1 ELSE 0 END) AS young FROM order_lines`,
      [daysAgo(200)],
    );
    expect(Number(left[0].n)).toBe(100);
    expect(Number(left[0].young)).toBe(100);
  });

  it('does nothing for a table that was never archived', async () => {
    const result = await new PurgeEngine().run({
      policy: policyFor('never_archived'),
      source: clients.source,
      archive: clients.archive,
      runId: 4,
      batchSize: 100,
    });
    expect(result).toMatchObject({ rows: 0, batches: 0 });
  });
});
