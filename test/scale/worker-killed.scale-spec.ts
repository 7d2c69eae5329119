import request from 'supertest';
import { checksumOf, everywhere, keysInBoth } from '../faults/support/fault-fixtures';
import { QueueFixture, useOrdersCluster, waitForRunEnded } from '../support/queue-fixture';
import { describeQueue } from '../support/redis-test-server';
import { waitFor } from '../support/wait-for';

const ROWS = 20_000;

interface RunBody {
  id: number;
  status: string;
  rowsArchived: number;
  error: string | null;
}

/** The pid in a lease owner (`host:pid:random`). */
function pidOfOwner(owner: string): number {
  return Number(owner.split(':').at(-2));
}

/** One API and two workers, one job at a time each; short lease and lock, so that a dead worker's job is taken over within seconds. */
function twoWorkersOnOrders(env: Record<string, string>): QueueFixture {
  return useOrdersCluster({
    rows: ROWS,
    apis: 1,
    workers: 2,
    env: { JOB_LEASE_TTL_SECONDS: '6', QUEUE_STALLED_SECONDS: '4', JOB_CONCURRENCY: '1', ...env },
  });
}

/**
 * Starts an archive run of `orders` (batches of 100, 100 ms apart) through the API and waits until
 * a worker holds its lease — with `moved`, until that run has also committed rows. The lease owner
 * says which worker executes it.
 */
async function startRunUntilLeased(fixture: QueueFixture, { moved }: { moved: boolean }) {
  const { url, auth } = await fixture.cluster.api();
  const started = await request(url)
    .post('/api/v1/policies/orders/run')
    .set('Authorization', auth)
    .send({ job: 'archive', batchSize: 100, sleepBetweenBatchesMs: 100 });
  expect(started.status).toBe(202);
  const runId = (started.body as { runId: number }).runId;
  const owner = await waitFor(
    'the run to have moved rows',
    async () => {
      const [lease] = await fixture.databases.control<{ owner: string; run_id: number }>(
        "SELECT owner, run_id FROM job_leases WHERE name = 'archive:orders'",
      );
      if (lease?.run_id !== runId) {
        return false;
      }
      if (moved) {
        const [run] = await fixture.databases.control<{ rows_archived: string }>(
          'SELECT rows_archived FROM job_runs WHERE id = ?',
          [runId],
        );
        return Number(run.rows_archived) > 0 && lease.owner;
      }
      return lease.owner;
    },
    60_000,
    100,
  );
  return { runId, owner };
}

describeQueue('queue mode: a worker killed mid-job [mariadb, redis]', () => {
  const fixture = twoWorkersOnOrders({});
  const { cluster } = fixture;

  it('is taken over by another worker once its lock and lease lapse; the run completes, every row exactly once', async () => {
    const before = await checksumOf(fixture.databases.source);
    // Mid-job: some batches committed, the lease held by one of the workers.
    const { runId, owner } = await startRunUntilLeased(fixture, { moved: true });
    const victim = cluster.workers.find((worker) => worker.pid === pidOfOwner(owner));
    const survivor = cluster.workers.find((worker) => worker !== victim);
    expect(victim).toBeDefined();
    const killed = await victim!.kill();
    expect(killed.signal).toBe('SIGKILL');
    const [{ rows_archived: movedByVictim }] = await fixture.databases.control<{ rows_archived: string }>(
      'SELECT rows_archived FROM job_runs WHERE id = ?',
      [runId],
    );

    const run = await waitForRunEnded<RunBody>(cluster, runId, 'the run to end on the other worker', 120_000);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(survivor!.stdout()).toContain(`Queue job run-${runId} stalled`);
    expect(survivor!.stdout()).toContain(`Run ${runId} (archive orders, api) succeeded`);
    process.stdout.write(
      `\n[scale] run ${runId}: worker ${victim!.pid} killed after ${movedByVictim} rows, finished by worker ${survivor!.pid}\n`,
    );

    // Every row exactly once: source and archive together hold the rows of before, none in both.
    expect(await everywhere(fixture.databases)).toEqual(before);
    expect(await keysInBoth(fixture.databases)).toBe(0);
    const [{ n: left }] = await fixture.databases.source<{ n: number }>(
      'SELECT COUNT(*) AS n FROM orders WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 30 DAY',
    );
    expect(Number(left)).toBe(0);
  }, 300_000);
});

describeQueue('queue mode: a job whose worker keeps dying, with QUEUE_JOB_ATTEMPTS=1 [mariadb, redis]', () => {
  const fixture = twoWorkersOnOrders({ QUEUE_JOB_ATTEMPTS: '1' });
  const { cluster } = fixture;

  it('lands in the failed set with its error, and its run is recorded failed; no row lost', async () => {
    const before = await checksumOf(fixture.databases.source);
    const { url, auth } = await cluster.api();
    const { runId, owner } = await startRunUntilLeased(fixture, { moved: false });
    await cluster.workers.find((worker) => worker.pid === pidOfOwner(owner))!.kill();

    const run = await waitForRunEnded<RunBody>(cluster, runId, 'the run to be closed', 120_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/the queue gave up on it after \d+ attempt\(s\): job stalled more than allowable limit/);
    const metrics = await request(url).get('/metrics').set('Authorization', auth);
    expect(metrics.text).toMatch(/^das_queue_jobs\{state="failed"\} 1$/m);
    // What the dead attempt moved stays moved, once; the rest is still in the source for the next run.
    expect(await everywhere(fixture.databases)).toEqual(before);
  }, 300_000);
});
