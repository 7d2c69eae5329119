import type { Connection } from 'mysql2/promise';
import { ThrowawayMariaDb, freePort, startThrowawayMariaDb } from '../../tools/throwaway-mariadb';
import { parseExposition, valueOf } from '../support/exposition';
import { Caller, RunBody, caller, getRun, savePolicy, startRun, waitForRunEnd } from '../support/job-fixtures';
import { TestApp, startTestApp } from '../support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb, mysqlConnection } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { everywhere, oldRowsOf, seedOrders } from './support/fault-fixtures';

const ROWS = 60_000;
const POLICY = { archiveAfterDays: 30, deleteAfterDays: 1000 };

/** Polls the run until `check` holds for it; fails if the run ends first. */
async function runWhile(as: Caller, runId: number, what: string, check: (run: RunBody) => boolean): Promise<RunBody> {
  return waitFor(
    what,
    async () => {
      const run = await getRun(as, runId);
      if (run.status !== 'running') {
        throw new Error(`the run ended before ${what}: ${JSON.stringify(run)}`);
      }
      return check(run) && run;
    },
    30_000,
    100,
  );
}

function pausedFor(run: RunBody): { reason: string; message: string } | null {
  return (run.details as { paused?: { reason: string; message: string } } | null)?.paused ?? null;
}

/** DAS sessions holding row locks on the server (INNODB_TRX is refreshed only after 0.1 s unread). */
async function transactionsHoldingLocks(databases: TestDatabases): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows = await databases.source('SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_rows_locked > 0');
  return rows.length;
}

describeMariaDb('throttling on a real replica and on server load [mariadb]', () => {
  let primary: ThrowawayMariaDb;
  let replica: ThrowawayMariaDb;
  let replicaSql: Connection;
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  beforeAll(async () => {
    [primary, replica] = await Promise.all([
      startThrowawayMariaDb({ serverId: 1 }),
      startThrowawayMariaDb({ serverId: 2 }),
    ]);
    const primarySql = await mysqlConnection(primary.url('mysql'));
    const [[position]] = (await primarySql.query('SHOW MASTER STATUS')) as unknown as [
      Array<{ File: string; Position: number }>,
    ];
    await primarySql.end();
    replicaSql = await mysqlConnection(replica.url('mysql'));
    await replicaSql.query(
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${Number(primary.port)}, MASTER_USER = 'root',
         MASTER_PASSWORD = ?, MASTER_LOG_FILE = ?, MASTER_LOG_POS = ${Number(position.Position)}`,
      [primary.password, position.File],
    );
    await replicaSql.query('START SLAVE');
    databases = await createTestDatabases('mysql', primary.url('mysql'));
    app = await startTestApp(databases, {
      SOURCE_REPLICA_URLS: replica.url('mysql'),
      MAX_REPLICA_LAG_SECONDS: '5',
    });
    admin = caller(app, await app.adminToken());
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
    await replicaSql?.end();
    await Promise.all([replica?.stop(), primary?.stop()]);
  });

  beforeEach(async () => {
    await seedOrders(databases, ROWS);
    await savePolicy(admin, 'orders', POLICY);
    // Start each test with the replica caught up.
    await waitFor('the replica to catch up', async () => {
      const [[status]] = (await replicaSql.query('SHOW SLAVE STATUS')) as unknown as [Array<Record<string, unknown>>];
      return status.Slave_SQL_Running === 'Yes' && Number(status.Seconds_Behind_Master) === 0;
    });
  });

  it('pauses while the replica has its SQL thread stopped, holding no lock, and finishes once it runs again', async () => {
    const before = await everywhere(databases);
    const runId = await startRun(admin, 'orders', { job: 'archive', batchSize: 200 });
    await runWhile(admin, runId, 'the first batches', (run) => run.rowsArchived > 0);

    await replicaSql.query('STOP SLAVE SQL_THREAD');
    const paused = await runWhile(admin, runId, 'the run to pause', (run) => pausedFor(run) !== null);

    expect(pausedFor(paused)).toMatchObject({
      reason: 'replica-lag',
      message: expect.stringMatching(/^replica 127\.0\.0\.1:\d+ has its SQL thread stopped$/),
    });
    // …and on /metrics, for Prometheus.
    const scraped = parseExposition((await admin.get('/metrics')).text);
    expect(valueOf(scraped, 'das_run_paused', { reason: 'replica-lag' })).toBe(1);
    expect(valueOf(scraped, 'das_runs_running', { job: 'archive' })).toBe(1);
    // Nothing held while paused: production updates the row the next batch starts with, without waiting.
    const production = await mysqlConnection(databases.env.SOURCE_DB_URL);
    await production.query('SET SESSION innodb_lock_wait_timeout = 1');
    const [[next]] = (await production.query(
      'SELECT MIN(id) AS id FROM orders WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 30 DAY',
    )) as unknown as [Array<{ id: string }>];
    await expect(production.query('UPDATE orders SET note = note WHERE id = ?', [next.id])).resolves.toBeDefined();
    await production.end();
    expect(await transactionsHoldingLocks(databases)).toBe(0);
    expect((await getRun(admin, runId)).status).toBe('running');

    await replicaSql.query('START SLAVE SQL_THREAD');
    const run = await waitForRunEnd(admin, runId, 60_000);
    expect(
      valueOf(parseExposition((await admin.get('/metrics')).text), 'das_run_paused', { reason: 'replica-lag' }),
    ).toBe(0);

    expect(run).toMatchObject({ status: 'succeeded', rowsArchived: oldRowsOf(ROWS), error: null });
    const details = run.details as { pauses: Record<string, { count: number; seconds: number }>; warnings: string[] };
    expect(details.pauses['replica-lag'].count).toBeGreaterThanOrEqual(1);
    expect(details.pauses['replica-lag'].seconds).toBeGreaterThan(0);
    expect(details.warnings).toEqual([expect.stringMatching(/has its SQL thread stopped/)]);
    expect(await everywhere(databases)).toEqual(before);
  });

  it("pauses while the source's Threads_running is over the limit, and finishes once the load is gone", async () => {
    const before = await everywhere(databases);
    // Sessions that sleep inside a statement count as running threads.
    const sleepers = await Promise.all(Array.from({ length: 6 }, () => mysqlConnection(databases.env.SOURCE_DB_URL)));
    const ids = await Promise.all(
      sleepers.map(async (sleeper) => {
        const [[row]] = (await sleeper.query('SELECT CONNECTION_ID() AS id')) as unknown as [Array<{ id: number }>];
        return row.id;
      }),
    );
    const sleeping = sleepers.map((sleeper) => sleeper.query('SELECT SLEEP(120)').catch(() => undefined));
    try {
      const runId = await startRun(admin, 'orders', { job: 'archive', batchSize: 200, maxThreadsRunning: 4 });
      const paused = await runWhile(admin, runId, 'the run to pause', (run) => pausedFor(run) !== null);
      expect(pausedFor(paused)).toMatchObject({
        reason: 'threads-running',
        message: expect.stringMatching(/^source Threads_running \d+ > 4$/),
      });
      expect(paused.rowsArchived).toBe(0);

      for (const id of ids) {
        await databases.source(`KILL QUERY ${Number(id)}`);
      }
      const run = await waitForRunEnd(admin, runId, 60_000);

      expect(run).toMatchObject({ status: 'succeeded', rowsArchived: oldRowsOf(ROWS), error: null });
      expect((run.details as { pauses: Record<string, { count: number }> }).pauses['threads-running'].count).toBe(1);
      expect(await everywhere(databases)).toEqual(before);
    } finally {
      await Promise.all(sleeping);
      await Promise.all(sleepers.map((sleeper) => sleeper.end()));
    }
  });

  describe('with a replica that cannot be reached', () => {
    let unreachableApp: TestApp;
    let as: Caller;

    beforeAll(async () => {
      const nobody = await freePort();
      unreachableApp = await startTestApp(databases, {
        SOURCE_REPLICA_URLS: `mysql://root:x@127.0.0.1:${nobody}/mysql`,
        MAX_REPLICA_LAG_SECONDS: '5',
      });
      as = caller(unreachableApp, await unreachableApp.adminToken());
    });

    afterAll(async () => {
      await unreachableApp?.close();
    });

    it('counts it as lagging: the run pauses, with a warning, and moves nothing', async () => {
      const before = await everywhere(databases);
      const runId = await startRun(as, 'orders', { job: 'archive', batchSize: 200, maxRuntimeSeconds: 3 });
      const paused = await runWhile(as, runId, 'the run to pause', (run) => pausedFor(run) !== null);
      expect(pausedFor(paused)).toMatchObject({
        reason: 'replica-lag',
        message: expect.stringMatching(/^replica 127\.0\.0\.1:\d+ cannot be read: .*ECONNREFUSED/),
      });

      const run = await waitForRunEnd(as, runId, 30_000);

      expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 0 });
      expect(run.details).toMatchObject({
        stopReason: 'max-runtime',
        warnings: [expect.stringMatching(/cannot be read/)],
        pauses: { 'replica-lag': { count: 1 } },
      });
      expect(await everywhere(databases)).toEqual(before);
    });
  });
});
