import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess } from './support/app-process';
import { CompiledService, compileService, serviceEnv } from './support/compiled-service';
import {
  Caller,
  callerAt,
  contentEverywhere,
  createDatedTable,
  getRun,
  rowCount,
  seedTableAndPolicy,
  startRun,
  waitForRunEnd,
} from './support/job-fixtures';
import { TEST_ADMIN, TEST_JWT_SECRET } from './support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';
import { waitFor } from './support/wait-for';

const BATCH = 10;
const TIMEOUT_SECONDS = 10;

/**
 * JOB_EXECUTION=process on MariaDB over HTTP: every job in a child process of its own
 * (`node cli.js run:execute`), whatever happens to it the service keeps answering, and a child that
 * dies is recorded as a failed run within seconds.
 */
describeMariaDb('JOB_EXECUTION=process: a job process per run', () => {
  let databases: TestDatabases;
  let compiled: CompiledService;
  let service: AppProcess;
  let admin: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    compiled = await compileService();
    service = await compiled.start(
      serviceEnv(databases, {
        JOB_EXECUTION: 'process',
        JOB_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
        JOB_PROCESS_HEAP_MB: '160',
        DAS_TEST_JOB_PROCESS_OOM_TABLE: 'hog',
      }),
    );
    admin = await callerAt(service.url, TEST_ADMIN);
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    compiled?.remove();
    await databases?.drop();
  });

  /** Polls GET /health and GET /api/v1/runs until stopped; resolves with every status answered. */
  function keepAsking(): { stop: () => Promise<number[]> } {
    const statuses: number[] = [];
    let asking = true;
    const loop = (async () => {
      while (asking) {
        for (const path of ['/health', '/api/v1/runs?limit=5']) {
          const response = await admin
            .get(path)
            .timeout(5_000)
            .catch(() => ({ status: 0 }));
          statuses.push(response.status);
        }
        await sleep(100);
      }
    })();
    return {
      stop: async () => {
        asking = false;
        await loop;
        return statuses;
      },
    };
  }

  /** A long run (a batch a second), once its job process has committed a batch: the run and that process's pid. */
  async function longRun(table: string): Promise<{ id: number; pid: number }> {
    const id = await startRun(admin, table, { job: 'archive', sleepBetweenBatchesMs: 1000 });
    const run = await waitFor('a committed batch in the job process', async () => {
      const current = await getRun(admin, id);
      if (current.status !== 'running') {
        throw new Error(`run ${id} ended before its first batch: ${JSON.stringify(current)}`);
      }
      return current.batches >= 1 && current.worker !== null && current;
    });
    return { id, pid: run.worker!.pid };
  }

  it('executes each run in a job process of its own and records where; rows move exactly once', async () => {
    await seedTableAndPolicy(databases, admin, 'orders', { old: 60, recent: 5 }, { batchSize: BATCH });
    const before = await contentEverywhere(databases, 'orders');

    const id = await startRun(admin, 'orders', { job: 'archive' });
    const run = await waitForRunEnd(admin, id);

    expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 60 });
    const { body } = await admin.get('/api/v1/system/workers');
    const self = (body.workers as Array<{ id: string; pid: number; mode: string }>).find((w) => w.pid === service.pid);
    expect(self).toMatchObject({ mode: 'process' });
    expect(run.worker).toEqual({
      host: expect.any(String),
      pid: expect.any(Number),
      mode: 'process',
      workerId: self?.id,
    });
    expect(run.worker?.pid).not.toBe(service.pid);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
    expect(await rowCount(databases, 'archive', 'orders')).toBe(60);
  });

  it('records a job process SIGKILLed from outside as failed with its signal, releases its lease, and keeps answering', async () => {
    await createDatedTable(databases, 'orders', { old: 200, recent: 5 });
    const before = await contentEverywhere(databases, 'orders');
    const started = await longRun('orders');
    const asking = keepAsking();

    process.kill(started.pid, 'SIGKILL');
    const ended = await waitForRunEnd(admin, started.id, 10_000);

    const statuses = await asking.stop();
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(
      new RegExp(`^stopped after \\d+ batches: its job process \\(pid ${started.pid}\\) was killed by SIGKILL`),
    );
    expect(ended.details).toMatchObject({ stopReason: 'crashed', signal: 'SIGKILL', exitCode: null });
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    // Its lease was released: the next run starts at once instead of being skipped, and finishes the table.
    const next = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
    expect(next).toMatchObject({ status: 'succeeded' });
    expect(await rowCount(databases, 'archive', 'orders')).toBe(200);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
  });

  it('records a job process that runs out of memory as failed, with its last output, and keeps answering', async () => {
    await seedTableAndPolicy(databases, admin, 'hog', { old: 50 }, { batchSize: BATCH });
    const before = await contentEverywhere(databases, 'hog');
    const asking = keepAsking();

    const id = await startRun(admin, 'hog', { job: 'archive', sleepBetweenBatchesMs: 500 });
    const ended = await waitForRunEnd(admin, id, 60_000);

    const statuses = await asking.stop();
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/its job process \(pid \d+\) (was killed by SIGABRT|exited with code 134)/);
    expect(ended.error).toMatch(/heap out of memory/);
    expect(ended.error).not.toContain(TEST_JWT_SECRET);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await rowCount(databases, 'archive', 'hog')).toBe(ended.rowsArchived);
    expect(await contentEverywhere(databases, 'hog')).toEqual(before);
  });

  it('cancels a run in its job process through the API; the job process stops within one batch', async () => {
    await createDatedTable(databases, 'orders', { old: 200, recent: 5 });
    const before = await contentEverywhere(databases, 'orders');
    const started = await longRun('orders');
    const batchesThen = (await getRun(admin, started.id)).batches;

    expect((await admin.post(`/api/v1/runs/${started.id}/cancel`)).status).toBe(202);
    const ended = await waitForRunEnd(admin, started.id, 10_000);

    expect(ended).toMatchObject({ status: 'cancelled', cancelRequestedBy: TEST_ADMIN.username });
    expect(ended.batches).toBeLessThanOrEqual(batchesThen + 2);
    expect(ended.worker).toMatchObject({ pid: started.pid, mode: 'process' });
    expect(await rowCount(databases, 'archive', 'orders')).toBe(ended.rowsArchived);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
  });

  it(`stops a job process that runs longer than JOB_TIMEOUT_SECONDS (${TIMEOUT_SECONDS} s) and records the run failed`, async () => {
    await createDatedTable(databases, 'orders', { old: 300, recent: 5 });
    const before = await contentEverywhere(databases, 'orders');
    const started = await longRun('orders');

    const ended = await waitForRunEnd(admin, started.id, (TIMEOUT_SECONDS + 30) * 1000);
    // Recorded failed before the job process was asked to stop; it adds its last batch's counts when it exits.
    const counted = await waitFor('the final row counts', async () => {
      const run = await getRun(admin, started.id);
      return run.rowsArchived === (await rowCount(databases, 'archive', 'orders')) && run;
    });

    expect(counted.status).toBe('failed');
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(
      new RegExp(`^stopped after \\d+ batches: it ran longer than JOB_TIMEOUT_SECONDS \\(${TIMEOUT_SECONDS} s\\)`),
    );
    expect(ended.details).toMatchObject({ stopReason: 'timeout' });
    expect(counted.rowsArchived).toBeLessThan(300);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
  }, 90_000);

  // Last: it stops the service.
  it('at shutdown, asks its job processes to stop after their batch: each run is recorded stopped, no process is left', async () => {
    await seedTableAndPolicy(databases, admin, 'orders', { old: 200, recent: 5 }, { batchSize: BATCH });
    const before = await contentEverywhere(databases, 'orders');
    const started = await longRun('orders');

    const exit = await service.stop();

    // Nest re-raises the signal once its shutdown hooks are done.
    expect(exit.signal).toBe('SIGTERM');
    const [run] = await databases.control<{ status: string; rows_archived: unknown }>(
      'SELECT status, rows_archived FROM job_runs WHERE id = ?',
      [started.id],
    );
    expect(run.status).toBe('stopped');
    expect(() => process.kill(started.pid, 0)).toThrow();
    expect(await rowCount(databases, 'archive', 'orders')).toBe(Number(run.rows_archived));
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
  });
});
