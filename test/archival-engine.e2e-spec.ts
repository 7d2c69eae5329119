import { useEngineDatabases } from './support/engine-databases';
import { ArchivalEngine } from '../src/archive/archival-engine';
import { EngineClients, daysAgo, policyFor, tableContent, recreateSourceTable } from './support/engine-fixtures';
import { TestDatabases, describeEachEngine } from './support/test-databases';

const COLUMNS = ['id', 'customer_id', 'note', 'created_at'];

describeEachEngine('ArchivalEngine moves old rows', (engine) => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases(engine, (opened) => ({ databases, clients } = opened));

  beforeEach(async () => {
    await recreateSourceTable(databases, 'orders', {
      mysql:
        'CREATE TABLE orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, note VARCHAR(100), created_at DATETIME(6), KEY (created_at))',
      sqlite:
        'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, note TEXT, created_at DATETIME)',
    });
    const rows: unknown[] = [];
    for (let id = 1; id <= 2500; id++) {
      // ids 1..2000 are old (40-60 days), 2001..2500 recent; every 100th row has no date at all.
      const date = id % 100 === 0 ? null : daysAgo(id <= 2000 ? 60 - (id % 20) : 5);
      rows.push(id, id % 7, id % 3 ? `note ${id} ☕ "q"` : null, date);
    }
    await databases.source(
      `INSERT INTO orders (id, customer_id, note, created_at) VALUES ${new Array(2500).fill('(?, ?, ?, ?)').join(', ')}`,
      rows,
    );
  });

  it('archives exactly the rows older than the cutoff, in batches, with identical content', async () => {
    const before = await tableContent(databases.source, 'orders', COLUMNS, engine);
    const progress: number[] = [];
    const result = await new ArchivalEngine().run({
      policy: policyFor('orders'),
      source: clients.source,
      archive: clients.archive,
      runId: 7,
      batchSize: 300,
      onBatch: (p) => {
        progress.push(p.rows);
      },
    });
    // 2000 old rows, minus the 20 whose date is NULL (never archived).
    expect(result.rows).toBe(1980);
    expect(result.batches).toBe(7);
    expect(result.stopReason).toBe('completed');
    expect(progress).toEqual([300, 600, 900, 1200, 1500, 1800, 1980]);

    const archived = await tableContent(databases.archive, 'orders', COLUMNS, engine);
    const remaining = await tableContent(databases.source, 'orders', COLUMNS, engine);
    expect(archived).toHaveLength(1980);
    expect(remaining).toHaveLength(520);
    expect([...archived, ...remaining].sort()).toEqual(before);
    const runIds = await databases.archive<{ run: unknown }>('SELECT DISTINCT archive_run_id AS run FROM orders');
    expect(runIds.map((r) => Number(r.run))).toEqual([7]);
  });

  it.each(['auto', 'copy'] as const)(
    'works key ranges in lanes at once (%s transfer): the same rows move, with identical content',
    async (transfer) => {
      const before = await tableContent(databases.source, 'orders', COLUMNS, engine);
      const progress: number[] = [];
      const result = await new ArchivalEngine().run({
        policy: policyFor('orders'),
        source: clients.source,
        archive: clients.archive,
        runId: 9,
        batchSize: 100,
        lanes: 3,
        transfer,
        onBatch: (p) => {
          progress.push(p.rows);
        },
      });
      expect(result).toMatchObject({ rows: 1980, stopReason: 'completed' });
      // MySQL/MariaDB cuts the integer key into lanes; SQLite (one writer per file) runs one.
      expect(result.details.lanes).toBe(engine === 'mysql' ? 3 : undefined);
      expect(result.batches).toBeGreaterThanOrEqual(20);
      expect(progress[progress.length - 1]).toBe(1980);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);

      const archived = await tableContent(databases.archive, 'orders', COLUMNS, engine);
      const remaining = await tableContent(databases.source, 'orders', COLUMNS, engine);
      expect(archived).toHaveLength(1980);
      expect(remaining).toHaveLength(520);
      expect([...archived, ...remaining].sort()).toEqual(before);
    },
  );

  it('changes nothing in a dry run and reports how many rows would move', async () => {
    const before = await tableContent(databases.source, 'orders', COLUMNS, engine);
    const result = await new ArchivalEngine().run({
      policy: policyFor('orders'),
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 500,
      dryRun: true,
    });
    expect(result).toMatchObject({ rows: 1980, batches: 4, dryRun: true });
    expect(await tableContent(databases.source, 'orders', COLUMNS, engine)).toEqual(before);
  });

  it('grows batches toward a target transaction time, starting from the batch size', async () => {
    const progress: number[] = [];
    const result = await new ArchivalEngine().run({
      policy: policyFor('orders'),
      source: clients.source,
      archive: clients.archive,
      runId: 8,
      batchSize: 50,
      // Far above what a batch of this table takes: every batch may double.
      targetBatchMs: 60_000,
      onBatch: (p) => {
        progress.push(p.rows);
      },
    });
    expect(result.rows).toBe(1980);
    expect(progress).toEqual([50, 150, 350, 750, 1550, 1980]);
  });

  it('stops after the current batch when aborted', async () => {
    const controller = new AbortController();
    const result = await new ArchivalEngine().run({
      policy: policyFor('orders'),
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 100,
      signal: controller.signal,
      onBatch: (p) => {
        if (p.batches === 3) {
          controller.abort();
        }
      },
    });
    // On one server the batch after the third may already have committed on its own session when
    // the run stops: then it is counted too. Either way the count is exactly what moved.
    expect(result.stopReason).toBe('aborted');
    expect([300, 400]).toContain(result.rows);
    const [{ n }] = await databases.archive<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(n)).toBe(result.rows);
  });
});
