import request from 'supertest';
import { Checksum, checksumOf, oldRowsOf, seedTables, sumOf } from '../faults/support/fault-fixtures';
import { queueEnv } from '../support/queue-cluster';
import { useQueueFixture } from '../support/queue-fixture';
import { describeQueue } from '../support/redis-test-server';
import { waitFor } from '../support/wait-for';

const TABLES = Array.from({ length: 6 }, (_, i) => `orders_${i + 1}`);
const ROWS = 6000;
/** Longer than QUEUE_STALLED_SECONDS: the locks of the jobs in flight expire while Redis is down. */
const REDIS_DOWN_MS = 8_000;

interface RunRow {
  id: number;
  table_name: string;
  status: string;
  rows_archived: string;
}

describeQueue('queue mode: Redis restarted mid-run [mariadb, redis]', () => {
  let before: Map<string, Checksum>;
  const fixture = useQueueFixture(async ({ databases, redis, cluster }) => {
    before = await seedTables(databases, TABLES, ROWS);
    const env = queueEnv(databases, redis, {
      JOB_LEASE_TTL_SECONDS: '6',
      QUEUE_STALLED_SECONDS: '4',
      JOB_CONCURRENCY: '2',
    });
    await cluster.startApis(1, env);
    await cluster.startWorkers(2, env);
    for (const table of TABLES) {
      await cluster.savePolicy(table);
    }
  });
  const { cluster } = fixture;

  it('loses no job and runs none twice; /ready shows the queue down while Redis is down', async () => {
    const { url, auth } = await cluster.api();
    const runIds: number[] = [];
    for (const table of TABLES) {
      const started = await request(url)
        .post(`/api/v1/policies/${table}/run`)
        .set('Authorization', auth)
        .send({ job: 'archive', batchSize: 100, sleepBetweenBatchesMs: 150 });
      expect(started.status).toBe(202);
      runIds.push((started.body as { runId: number }).runId);
    }
    // Mid-run: the first jobs are moving rows (four at a time), the others wait in the queue.
    await waitFor(
      'runs to be moving rows',
      async () => {
        const rows = await fixture.databases.control<{ n: number }>(
          "SELECT COUNT(*) AS n FROM job_runs WHERE status = 'running' AND rows_archived > 0",
        );
        return Number(rows[0].n) >= 2;
      },
      60_000,
      100,
    );

    let readyWhileDown: { status: number; queue: unknown } | null = null;
    await fixture.redis.restart({
      downMs: REDIS_DOWN_MS,
      whileDown: async () => {
        const ready = await request(url).get('/ready');
        readyWhileDown = { status: ready.status, queue: ready.body.error?.queue };
      },
    });
    expect(readyWhileDown).toEqual({ status: 503, queue: expect.objectContaining({ status: 'down' }) });
    await waitFor('/ready to be 200 again', async () => (await request(url).get('/ready')).status === 200, 30_000, 250);

    const runs = await waitFor(
      'every run to end',
      async () => {
        const rows = await fixture.databases.control<RunRow>(
          'SELECT id, table_name, status, rows_archived FROM job_runs ORDER BY id',
        );
        return rows.every((row) => row.status !== 'running') && rows;
      },
      240_000,
      500,
    );
    // No job lost, none run twice: the six admitted runs and no other, each archived its table once.
    expect(runs.map((run) => run.id)).toEqual(runIds);
    for (const run of runs) {
      expect(run.status).toBe('succeeded');
      expect(Number(run.rows_archived)).toBe(oldRowsOf(ROWS));
      const now = sumOf(
        await checksumOf(fixture.databases.source, run.table_name),
        await checksumOf(fixture.databases.archive, run.table_name),
      );
      expect(now).toEqual(before.get(run.table_name));
    }
    // Each run was executed to its end by exactly one worker, whatever BullMQ redelivered.
    const logs = cluster.workers.map((worker) => worker.stdout()).join('\n');
    for (const run of runs) {
      const ends = logs.split('\n').filter((line) => line.includes(`Run ${run.id} (archive ${run.table_name}, api) `));
      expect(ends).toHaveLength(1);
    }
    const redelivered = (logs.match(/stalled \(its worker died or hangs\)/g) ?? []).length;
    process.stdout.write(
      `\n[scale] Redis down ${REDIS_DOWN_MS} ms mid-run: ${redelivered} job(s) redelivered, each run ended once\n`,
    );
  }, 600_000);
});
