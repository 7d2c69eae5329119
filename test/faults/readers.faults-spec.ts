import autocannon from 'autocannon';
import { Caller, caller, getRun, savePolicy, startRun, waitForRunEnd } from '../support/job-fixtures';
import { TestApp, useTestApp } from '../support/test-app';
import { TestDatabases, describeMariaDb } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { oldRowsOf, seedOrders } from './support/fault-fixtures';

const ROWS = 200_000;
const READERS = 50;

describeMariaDb('archive readers during an archival run [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  useTestApp('mysql', (started) => ({ databases, app } = started));
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
    await seedOrders(databases, ROWS);
    await savePolicy(admin, 'orders', { archiveAfterDays: 30, deleteAfterDays: 1000 });
  }, 120_000);

  it(`serves ${READERS} concurrent readers of the archive being written without an error`, async () => {
    const analyst = await app.createUser('analyst', ['orders']);
    // A first, short run creates the archive table and puts a few pages in it.
    const first = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive', maxRuntimeSeconds: 1 }));
    expect(first.rowsArchived).toBeGreaterThan(0);
    // Paced so that it surely outlasts the readers.
    const runId = await startRun(admin, 'orders', { job: 'archive', batchSize: 200, sleepBetweenBatchesMs: 20 });
    await waitFor('the run to be under way', async () => (await getRun(admin, runId)).rowsArchived > 0, 30_000, 50);

    const result = await autocannon({
      url: `${app.url.replace('[::1]', '127.0.0.1')}/api/v1/archives/orders?limit=100`,
      connections: READERS,
      duration: 8,
      headers: { authorization: `Bearer ${analyst}` },
    });
    const run = await getRun(admin, runId);

    // The readers ran beside the archival run, not after it.
    expect(run.status).toBe('running');
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBeGreaterThan(READERS);
    process.stdout.write(
      `${READERS} archive readers for ${result.duration} s during a run: ${result.requests.total} requests, ` +
        `${result.requests.average} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `errors ${result.errors}, non-2xx ${result.non2xx}\n`,
    );
    const finished = await waitForRunEnd(admin, runId, 120_000);
    expect(finished.status).toBe('succeeded');
    expect(first.rowsArchived + finished.rowsArchived).toBe(oldRowsOf(ROWS));
  });
});
