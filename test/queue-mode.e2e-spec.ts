import request from 'supertest';
import { checksumOf, everywhere, oldRowsOf } from './faults/support/fault-fixtures';
import { useOrdersCluster, waitForRunEnded } from './support/queue-fixture';
import { describeQueue } from './support/redis-test-server';
import { waitFor } from './support/wait-for';

interface RunBody {
  id: number;
  status: string;
  rowsArchived: number;
  worker: { host: string; pid: number; mode: string } | null;
}

describeQueue('queue mode: one API, one worker, a real Redis [mariadb]', () => {
  const fixture = useOrdersCluster({ rows: 2000, apis: 1, workers: 1, policy: { batchSize: 100 } });
  const { cluster } = fixture;

  it('a run admitted by the API is executed by the worker process, every row exactly once', async () => {
    const before = await checksumOf(fixture.databases.source);
    const { url, auth } = await cluster.api();
    const started = await request(url)
      .post('/api/v1/policies/orders/run')
      .set('Authorization', auth)
      .send({ job: 'archive' });
    expect(started.status).toBe(202);
    const runId = (started.body as { runId: number }).runId;
    const run = await waitForRunEnded<RunBody>(cluster, runId, 'the queued run to end', 60_000);
    expect(run.status).toBe('succeeded');
    expect(run.rowsArchived).toBe(oldRowsOf(2000));
    // The worker process executed it (the run says so, and its log says how the run ended), not the API.
    expect(run.worker).toMatchObject({ pid: cluster.workers[0].pid, mode: 'queue' });
    expect(cluster.workers[0].stdout()).toContain(`Run ${runId} (archive orders, api) succeeded`);
    expect(cluster.apis[0].stdout()).not.toContain(`Run ${runId} (archive orders, api) succeeded`);
    expect(await everywhere(fixture.databases)).toEqual(before);
  }, 120_000);

  it('reports the queue on /ready and its depth on /metrics and GET /system/workers', async () => {
    const { url, auth } = await cluster.api();
    const ready = await request(url).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.queue).toEqual({ status: 'up' });
    const metrics = await request(url).get('/metrics').set('Authorization', auth);
    expect(metrics.text).toMatch(/^das_queue_up 1$/m);
    expect(metrics.text).toMatch(/^das_queue_jobs\{state="completed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^das_queue_job_wait_seconds_count\{kind="run"\} [1-9]/m);
    // The worker process is listed (it executes jobs), the API-only instance is not; the queue is shown.
    const workers = await request(url).get('/api/v1/system/workers').set('Authorization', auth);
    expect(workers.status).toBe(200);
    expect(workers.body.workers).toEqual([
      expect.objectContaining({ pid: cluster.workers[0].pid, mode: 'queue', concurrency: 2 }),
    ]);
    expect(workers.body.queue).toEqual({
      name: 'das-jobs',
      reachable: true,
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
  }, 60_000);

  it('while Redis is down: /ready is 503 naming the queue, and a run is refused with 503, not admitted', async () => {
    const { url, auth } = await cluster.api();
    await fixture.redis.restart({
      downMs: 0,
      whileDown: async () => {
        const ready = await request(url).get('/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.error.queue.status).toBe('down');
        const refused = await request(url)
          .post('/api/v1/policies/orders/run')
          .set('Authorization', auth)
          .send({ job: 'purge' });
        expect(refused.status).toBe(503);
        expect(refused.body.message).toMatch(/queue/i);
        const workers = await request(url).get('/api/v1/system/workers').set('Authorization', auth);
        expect(workers.body.queue).toMatchObject({ reachable: false });
      },
    });
    await waitFor(
      'the queue to be ready again',
      async () => (await request(url).get('/ready')).status === 200,
      30_000,
      250,
    );
  }, 90_000);
});
