import { setTimeout as sleep } from 'node:timers/promises';
import { getRepositoryToken } from '@nestjs/typeorm';
import request from 'supertest';
import { Repository } from 'typeorm';
import { CONTROL_DB } from '../src/database/database.constants';
import { JobRun } from '../src/runs/entities/job-run.entity';
import { JobLease } from '../src/scheduler/entities/job-lease.entity';
import { JobRequest } from '../src/scheduler/job-request';
import { JobRunner } from '../src/scheduler/job-runner.service';
import {
  Caller,
  RunBody,
  caller,
  contentEverywhere,
  createDatedTable,
  getRun,
  rowCount,
  savePolicy,
  waitForRunEnd,
} from './support/job-fixtures';
import { waitFor } from './support/wait-for';
import { AppProcess, startAppProcess } from './support/app-process';
import { TestApp, startTestApp, testProcessEnv } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

/** Short enough that a test can outwait it; the heartbeat renews every TTL/3. */
const LEASE_TTL_SECONDS = '2';
const OLD_ROWS = 100;

describeEachEngine('JobRunner: one run per job and table, across processes', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let runner: JobRunner;
  let leases: Repository<JobLease>;
  let runs: Repository<JobRun>;
  let admin: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    app = await startTestApp(databases, { JOB_LEASE_TTL_SECONDS: LEASE_TTL_SECONDS });
    runner = app.app.get(JobRunner);
    leases = app.app.get(getRepositoryToken(JobLease, CONTROL_DB));
    runs = app.app.get(getRepositoryToken(JobRun, CONTROL_DB));
    admin = caller(app, await app.adminToken());
    await createDatedTable(databases, 'orders', { old: OLD_ROWS, recent: 20 });
    await savePolicy(admin, 'orders', { batchSize: 10 });
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  beforeEach(async () => {
    await createDatedTable(databases, 'orders', { old: OLD_ROWS, recent: 20 });
    await leases.clear();
  });

  const archiveOrders = (options: JobRequest['options'] = {}): JobRequest => ({
    tableName: 'orders',
    job: 'archive',
    trigger: 'cli',
    requestedBy: 'tester',
    options,
  });

  describe('with a second instance of the service in its own process', () => {
    let other: AppProcess;

    beforeAll(async () => {
      other = await startAppProcess(
        testProcessEnv(databases, { SCHEDULER_ENABLED: 'false', JOB_LEASE_TTL_SECONDS: LEASE_TTL_SECONDS }),
      );
    });

    afterAll(async () => {
      await other?.stop();
    });

    it('runs exactly one of two runs requested at once and records the other as skipped', async () => {
      const before = await contentEverywhere(databases, 'orders');
      const token = await app.adminToken();
      const body = { job: 'archive', sleepBetweenBatchesMs: 50 };
      const post = (url: string) =>
        request(url).post('/api/v1/policies/orders/run').set('Authorization', `Bearer ${token}`).send(body);

      const answers = await Promise.all([post(app.url.replace('[::1]', '127.0.0.1')), post(other.url)]);

      expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
      const winnerId = (answers.find((answer) => answer.status === 202)?.body as { runId: number }).runId;
      const refusal = answers.find((answer) => answer.status === 409)?.body as { message: string };
      expect(refusal.message).toMatch(
        new RegExp(
          `^archive of "orders" is already running: run ${winnerId} holds its lease .*recorded as skipped run \\d+$`,
        ),
      );
      const winner = await waitForRunEnd(admin, winnerId);
      expect(winner).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS, batches: OLD_ROWS / 10 });
      const skipped = (await admin.get('/api/v1/runs?tableName=orders&status=skipped&limit=1')).body as RunBody[];
      expect(skipped[0].error).toContain(`run ${winnerId} holds its lease`);
      expect(await rowCount(databases, 'archive', 'orders')).toBe(OLD_ROWS);
      expect(await contentEverywhere(databases, 'orders')).toEqual(before);
      expect(await leases.count()).toBe(0);
    });

    it('stops a run cleanly on SIGTERM: the record says so, the lease is released, no row is lost', async () => {
      const before = await contentEverywhere(databases, 'orders');
      const token = await app.adminToken();
      const started = await request(other.url)
        .post('/api/v1/policies/orders/run')
        .set('Authorization', `Bearer ${token}`)
        .send({ job: 'archive', sleepBetweenBatchesMs: 300 });
      expect(started.status).toBe(202);
      const runId = (started.body as { runId: number }).runId;
      await waitFor('a committed batch', async () => (await getRun(admin, runId)).rowsArchived > 0);

      const exit = await other.stop();

      // Nest re-raises the signal once its shutdown hooks are done.
      expect(exit.signal).toBe('SIGTERM');
      const run = await getRun(admin, runId);
      expect(run.status).toBe('stopped');
      expect(run.error).toMatch(
        /^stopped after \d+ batches: the service is shutting down \(\d+ rows archived; the remaining rows are left for the next run\)$/,
      );
      expect(run.finishedAt).not.toBeNull();
      expect(run.rowsArchived).toBeGreaterThan(0);
      expect(run.rowsArchived).toBeLessThan(OLD_ROWS);
      expect(run.rowsArchived).toBe(await rowCount(databases, 'archive', 'orders'));
      expect(await contentEverywhere(databases, 'orders')).toEqual(before);
      expect(await leases.count()).toBe(0);
    });
  });

  it('takes over an expired lease of a dead process and closes the run it abandoned', async () => {
    const dead = await runs.save(
      runs.create({
        job: 'archive',
        tableName: 'orders',
        status: 'running',
        trigger: 'schedule',
        startedAt: new Date(Date.now() - 3_600_000),
        dryRun: false,
      }),
    );
    await leases.insert({
      name: 'archive:orders',
      owner: 'crashed-host:4242:dead',
      runId: dead.id,
      acquiredAt: new Date(Date.now() - 3_600_000),
      expiresAt: new Date(Date.now() - 60_000),
    });

    const run = await runner.runToCompletion(archiveOrders());

    expect(run).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS });
    const abandoned = await runs.findOneByOrFail({ id: dead.id });
    expect(abandoned.status).toBe('failed');
    expect(abandoned.error).toMatch(/^abandoned: its process \(crashed-host:4242:dead\) stopped renewing its lease/);
    expect(abandoned.error).toContain(`run ${run.id} took over`);
    expect(await leases.count()).toBe(0);
  });

  it('skips while another process holds an unexpired lease, and leaves that lease alone', async () => {
    const held = {
      name: 'archive:orders',
      owner: 'busy-host:7:cafe',
      runId: 999,
      acquiredAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    };
    await leases.insert(held);

    const run = await runner.runToCompletion(archiveOrders());

    expect(run.status).toBe('skipped');
    expect(run.error).toContain('run 999 holds its lease (owner busy-host:7:cafe');
    expect(run.details).toMatchObject({ heldBy: { owner: 'busy-host:7:cafe', runId: 999 } });
    expect(await leases.findOneByOrFail({ name: 'archive:orders' })).toMatchObject({ owner: held.owner, runId: 999 });
    expect(await rowCount(databases, 'archive', 'orders')).toBe(0);
  });

  it('keeps its lease through a pause longer than the lease TTL (heartbeat), so a second attempt is skipped', async () => {
    // One batch of everything, then a 3 s pause (> 2 s TTL) before the loop finds nothing left.
    const started = await runner.start(archiveOrders({ batchSize: OLD_ROWS, sleepBetweenBatchesMs: 3000 }));
    await waitFor('the first batch', async () => (await runs.findOneByOrFail({ id: started.id })).batches === 1);
    await sleep(2500);

    const second = await runner.runToCompletion(archiveOrders());

    expect(second.status).toBe('skipped');
    expect(second.error).toContain(`run ${started.id} holds its lease`);
    expect(await waitForRunEnd(admin, started.id)).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS });
  });

  it('stops a run as soon as its lease turns out to be taken over, and does not release the new holder', async () => {
    const before = await contentEverywhere(databases, 'orders');
    const started = await runner.start(archiveOrders({ sleepBetweenBatchesMs: 200 }));
    await waitFor('a committed batch', async () => (await runs.findOneByOrFail({ id: started.id })).batches > 0);

    await leases.update({ name: 'archive:orders' }, { owner: 'thief-host:1:beef', runId: 4711 });

    const ended = await waitForRunEnd(admin, started.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(
      /^stopped after \d+ batches: it lost its lease archive:orders \(it expired and another process took it over\)/,
    );
    expect(ended.rowsArchived).toBeGreaterThan(0);
    expect(ended.rowsArchived).toBeLessThan(OLD_ROWS);
    expect(ended.rowsArchived).toBe(await rowCount(databases, 'archive', 'orders'));
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
    expect(await leases.findOneByOrFail({ name: 'archive:orders' })).toMatchObject({ owner: 'thief-host:1:beef' });
  });

  it('reports every batch to an observer and uses the batch size of the request over the policy', async () => {
    const seen: number[] = [];

    const run = await runner.runToCompletion(archiveOrders({ batchSize: 25 }), {
      onProgress: (progress) => seen.push(progress.rows),
    });

    expect(seen).toEqual([25, 50, 75, 100]);
    expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 100, batches: 4, trigger: 'cli' });
    expect(run.requestedBy).toBe('tester');
  });

  it('refuses start() with JobAlreadyRunningError (a conflict) naming the running run, and records the attempt', async () => {
    const started = await runner.start(archiveOrders({ sleepBetweenBatchesMs: 100 }));

    await expect(runner.start(archiveOrders())).rejects.toMatchObject({
      name: 'JobAlreadyRunningError',
      kind: 'conflict',
      message: expect.stringMatching(new RegExp(`run ${started.id} holds its lease.*recorded as skipped run \\d+`)),
    });
    expect(await waitForRunEnd(admin, started.id)).toMatchObject({ status: 'succeeded' });
  });

  it('rejects a table without a policy (a not-found domain error) and records nothing', async () => {
    const before = await runs.count();

    await expect(runner.runToCompletion({ ...archiveOrders(), tableName: 'no_such_table' })).rejects.toMatchObject({
      kind: 'not-found',
      message: 'no policy for table "no_such_table"',
    });
    expect(await runs.count()).toBe(before);
  });
});
