import {
  Caller,
  callerAt,
  contentEverywhere,
  getRun,
  rowCount,
  seedTableAndPolicy,
  startRun,
  waitForRunEnd,
} from '../support/job-fixtures';
import { queueEnv } from '../support/queue-cluster';
import { useQueueFixture } from '../support/queue-fixture';
import { describeQueue } from '../support/redis-test-server';
import { TEST_ADMIN } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const OLD_ROWS = 300;
const BATCH = 10;
/** Long enough that every batch gets its progress record (written at most once a second). */
const SLEEP_MS = 1500;

/**
 * Cancel in queue mode: the run executes on a worker process; the cancel comes through the API of
 * another instance than the one that admitted it, and travels through the control database only.
 */
describeQueue('queue mode: cancelling a run executing on a worker [mariadb, redis]', () => {
  let admitting: Caller;
  let cancelling: Caller;
  const fixture = useQueueFixture(async ({ databases, redis, cluster }) => {
    const env = queueEnv(databases, redis, { JOB_CONCURRENCY: '1', AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    await cluster.startApis(2, env);
    await cluster.startWorkers(1, env);
    admitting = await callerAt(cluster.apis[0].url, TEST_ADMIN);
    cancelling = await callerAt(cluster.apis[1].url, TEST_ADMIN);
  });
  const { cluster } = fixture;

  beforeEach(async () => {
    await seedTableAndPolicy(
      fixture.databases,
      admitting,
      'orders',
      { old: OLD_ROWS, recent: 20 },
      { batchSize: BATCH },
    );
  });

  it('stops within one batch when cancelled through another API instance; every row stays exactly once', async () => {
    const before = await contentEverywhere(fixture.databases, 'orders');
    const id = await startRun(admitting, 'orders', { job: 'archive', sleepBetweenBatchesMs: SLEEP_MS });
    const started = await waitFor(
      'committed batches on the worker',
      async () => {
        const run = await getRun(cancelling, id);
        return run.batches >= 2 && run;
      },
      60_000,
    );

    const cancel = await cancelling.post(`/api/v1/runs/${id}/cancel`);

    expect(cancel.status).toBe(202);
    const ended = await waitForRunEnd(cancelling, id, 60_000);
    expect(ended.status).toBe('cancelled');
    expect(ended.error).toMatch(/^stopped after \d+ batches: cancelled by admin/);
    // The batch committed between our read and the request, and the one in flight then, at most.
    expect(ended.batches).toBeLessThanOrEqual(started.batches + 2);
    expect(ended.rowsArchived).toBe(ended.batches * BATCH);
    expect(ended.rowsArchived).toBeLessThan(OLD_ROWS);
    expect(ended.worker).toMatchObject({ pid: cluster.workers[0].pid, mode: 'queue' });
    expect(await rowCount(fixture.databases, 'archive', 'orders')).toBe(ended.rowsArchived);
    expect(await contentEverywhere(fixture.databases, 'orders')).toEqual(before);
  }, 120_000);

  it('ends a run still waiting in the queue as cancelled when a worker takes it, before it moves anything', async () => {
    await seedTableAndPolicy(fixture.databases, admitting, 'invoices', { old: 50 }, { batchSize: BATCH });
    // JOB_CONCURRENCY=1 on the only worker: the second job waits in the queue until the first ends.
    const first = await startRun(admitting, 'orders', { job: 'archive', sleepBetweenBatchesMs: SLEEP_MS });
    await waitFor('the first run to move rows', async () => (await getRun(cancelling, first)).batches >= 1, 60_000);
    const waiting = await startRun(admitting, 'invoices', { job: 'archive' });
    expect((await getRun(cancelling, waiting)).worker).toBeNull();

    await cancelling.post(`/api/v1/runs/${waiting}/cancel`).expect(202);
    await cancelling.post(`/api/v1/runs/${first}/cancel`).expect(202);

    expect(await waitForRunEnd(cancelling, first, 60_000)).toMatchObject({ status: 'cancelled' });
    const ended = await waitForRunEnd(cancelling, waiting, 60_000);
    expect(ended).toMatchObject({ status: 'cancelled', rowsArchived: 0, batches: 0 });
    expect(ended.error).toMatch(/^cancelled by admin before it started; nothing was moved/);
    expect(await rowCount(fixture.databases, 'archive', 'invoices')).toBe(0);
  }, 120_000);
});
