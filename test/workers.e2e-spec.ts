import { getRepositoryToken } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CONTROL_DB } from '../src/database/database.constants';
import { JobWorker } from '../src/workers/entities/job-worker.entity';
import { WORKER_STALE_MS, WorkerRegistry } from '../src/workers/worker-registry.service';
import { Caller, caller, createDatedTable, getRun, savePolicy, startRun, waitForRunEnd } from './support/job-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';
import { waitFor } from './support/wait-for';

describeEachEngine('GET /api/v1/system/workers', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;
  let workers: Repository<JobWorker>;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    app = await startTestApp(databases, { JOB_CONCURRENCY: '3' });
    admin = caller(app, await app.adminToken());
    workers = app.app.get(getRepositoryToken(JobWorker, CONTROL_DB));
    await createDatedTable(databases, 'orders', { old: 60 });
    await savePolicy(admin, 'orders', { batchSize: 10 });
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('lists this service process with its heartbeat, its mode and concurrency, and no queue', async () => {
    const response = await admin.get('/api/v1/system/workers');

    expect(response.status).toBe(200);
    expect(response.body.queue).toBeNull();
    const self = (response.body.workers as Array<Record<string, unknown>>).filter((w) => w.pid === process.pid);
    expect(self).toEqual([
      {
        id: expect.stringMatching(new RegExp(`:${process.pid}:[0-9a-f]{8}$`)),
        host: expect.any(String),
        pid: process.pid,
        mode: 'inline',
        concurrency: 3,
        startedAt: expect.any(String),
        heartbeatAt: expect.any(String),
        running: [],
      },
    ]);
  });

  it('shows the runs a worker executes, and the run names that worker', async () => {
    const runId = await startRun(admin, 'orders', { job: 'archive', sleepBetweenBatchesMs: 300 });
    const registry = app.app.get(WorkerRegistry);

    await registry.heartbeat();

    const { body } = await admin.get('/api/v1/system/workers');
    const self = (body.workers as Array<{ id: string; pid: number; running: number[] }>).find(
      (w) => w.pid === process.pid,
    );
    expect(self?.running).toEqual([runId]);
    const run = await getRun(admin, runId);
    expect(run.worker).toEqual({ host: expect.any(String), pid: process.pid, mode: 'inline', workerId: self?.id });
    expect(await waitForRunEnd(admin, runId)).toMatchObject({ status: 'succeeded' });
    await registry.heartbeat();
    const after = await admin.get('/api/v1/system/workers');
    expect(after.body.workers.find((w: { pid: number }) => w.pid === process.pid).running).toEqual([]);
  });

  it('leaves out a worker whose heartbeat is older than the stale limit, and lists a fresh one', async () => {
    const old = new Date(Date.now() - WORKER_STALE_MS - 5_000);
    const row = { host: 'elsewhere', pid: 77, mode: 'inline', concurrency: 2, startedAt: old, running: [] };
    await workers.insert({ ...row, id: 'elsewhere:77:dead', heartbeatAt: old });
    await workers.insert({ ...row, id: 'elsewhere:78:live', pid: 78, heartbeatAt: new Date() });

    const ids = await waitFor('the fresh worker', async () => {
      const { body } = await admin.get('/api/v1/system/workers');
      const listed = (body.workers as Array<{ id: string }>).map((w) => w.id);
      return listed.includes('elsewhere:78:live') && listed;
    });

    expect(ids).not.toContain('elsewhere:77:dead');
    await workers.delete({ host: 'elsewhere' });
  });

  it('is for admins only', async () => {
    const viewer = caller(app, await app.createUser('workers_viewer', ['orders']));
    expect((await viewer.get('/api/v1/system/workers')).status).toBe(403);
    expect((await app.http().get('/api/v1/system/workers')).status).toBe(401);
  });
});
