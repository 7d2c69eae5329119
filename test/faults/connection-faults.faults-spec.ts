import { ThrowawayMariaDb, startThrowawayMariaDb } from '../../tools/throwaway-mariadb';
import { Caller, RunBody, caller, getRun, savePolicy, startRun, waitForRunEnd } from '../support/job-fixtures';
import { TestApp, startTestApp } from '../support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { everywhere, oldRowsOf, seedOrders } from './support/fault-fixtures';
import { TcpProxy, startTcpProxy } from './support/tcp-proxy';

const ROWS = 150_000;
const POLICY = { archiveAfterDays: 30, deleteAfterDays: 1000 };

function throughProxy(url: string, proxy: TcpProxy): string {
  return url.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${proxy.port}/`);
}

/** Waits until the run has committed some batches (and is still going). */
async function midRun(as: Caller, runId: number): Promise<void> {
  await waitFor(
    'the run to be under way',
    async () => {
      const run = await getRun(as, runId);
      if (run.status !== 'running') {
        throw new Error(`the run ended too early for the test: ${JSON.stringify(run)}`);
      }
      return run.rowsArchived > 0;
    },
    30_000,
    50,
  );
}

/**
 * After a fault, a run either finished (having reconnected) or failed with a clear message, and then
 * a rerun finishes. Either way every old row is archived exactly once and nothing else moved.
 */
async function expectFinishedOrRerun(as: Caller, run: RunBody): Promise<RunBody> {
  if (run.status === 'succeeded') {
    return run;
  }
  expect(run.status).toBe('failed');
  expect(run.error).toMatch(/connection|server|gone|lost/i);
  const rerun = await waitForRunEnd(as, await startRun(as, 'orders', { job: 'archive', batchSize: 500 }), 120_000);
  expect(rerun.status).toBe('succeeded');
  return rerun;
}

async function archivedIds(databases: Pick<TestDatabases, 'archive'>): Promise<Set<string>> {
  const rows = await databases.archive<{ id: string }>('SELECT id FROM orders');
  return new Set(rows.map((row) => String(row.id)));
}

describeMariaDb('lost connections and a restarted server [mariadb]', () => {
  let server: ThrowawayMariaDb;
  let databases: TestDatabases;

  beforeAll(async () => {
    server = await startThrowawayMariaDb();
    databases = await createTestDatabases('mysql', server.url('mysql'));
  }, 120_000);

  afterAll(async () => {
    await databases?.drop().catch(() => undefined);
    await server?.stop();
  });

  describe('a server restart mid-run (source, archive and control on it)', () => {
    let app: TestApp;
    let admin: Caller;

    beforeAll(async () => {
      app = await startTestApp(databases);
      admin = caller(app, await app.adminToken());
    });

    afterAll(async () => {
      await app?.close();
    });

    it('loses and duplicates nothing: the run reconnects and finishes (or fails clearly and a rerun does)', async () => {
      await seedOrders(databases, ROWS);
      await savePolicy(admin, 'orders', POLICY);
      const before = await everywhere(databases);
      const runId = await startRun(admin, 'orders', { job: 'archive', batchSize: 500 });
      await midRun(admin, runId);

      await server.restart({ downMs: 2000 });
      const run = await waitForRunEnd(admin, runId, 120_000);

      const final = await expectFinishedOrRerun(admin, run);
      expect(run.rowsArchived + (final === run ? 0 : final.rowsArchived)).toBe(oldRowsOf(ROWS));
      expect(await everywhere(databases)).toEqual(before);
      const archived = await archivedIds(databases);
      expect(archived.size).toBe(oldRowsOf(ROWS));
      if (run.status === 'succeeded') {
        expect((run.details as { warnings?: string[] }).warnings).toEqual(
          expect.arrayContaining([expect.stringMatching(/^lost the connection .*reconnected after/)]),
        );
      }
    });
  });

  describe('connections cut by the network (a proxy that resets them mid-batch)', () => {
    let proxy: TcpProxy;
    let other: TestDatabases;

    beforeAll(async () => {
      proxy = await startTcpProxy(server.port);
      other = await createTestDatabases('mysql');
    });

    afterAll(async () => {
      await other?.drop();
      await proxy?.close();
    });

    it.each([
      ['one server, batches moved inside it', 'server-side'],
      ['two servers, rows copied through DAS', 'copy'],
    ] as const)('loses and duplicates nothing (%s)', async (_name, transfer) => {
      // Source (and, on one server, the archive) reached through the proxy; control never cut.
      const split: TestDatabases =
        transfer === 'copy'
          ? { ...databases, archive: other.archive, names: { ...databases.names, archive: other.names.archive } }
          : databases;
      const app = await startTestApp(databases, {
        CONTROL_DB_URL: other.env.CONTROL_DB_URL,
        SOURCE_DB_URL: throughProxy(databases.env.SOURCE_DB_URL, proxy),
        ARCHIVE_DB_URL:
          transfer === 'copy' ? other.env.ARCHIVE_DB_URL : throughProxy(databases.env.ARCHIVE_DB_URL, proxy),
      });
      try {
        const admin = caller(app, await app.adminToken());
        await seedOrders(split, ROWS);
        await savePolicy(admin, 'orders', POLICY);
        const before = await everywhere(split);
        const runId = await startRun(admin, 'orders', { job: 'archive', batchSize: 500 });
        await midRun(admin, runId);

        expect(proxy.cut()).toBeGreaterThan(0);
        await waitFor('the run to go on', async () => (await getRun(admin, runId)).rowsArchived > 0, 30_000, 200);
        proxy.cut();
        const run = await waitForRunEnd(admin, runId, 120_000);

        expect(run.details).toMatchObject({ transfer });
        await expectFinishedOrRerun(admin, run);
        expect(await everywhere(split)).toEqual(before);
        const archived = await archivedIds(split);
        expect(archived.size).toBe(oldRowsOf(ROWS));
        const left = await split.source<{ id: string }>('SELECT id FROM orders');
        expect(left.filter((row) => archived.has(String(row.id)))).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });
});
