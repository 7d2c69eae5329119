import { spawn } from 'node:child_process';
import { AppProcess } from './support/app-process';
import { CompiledService, compileService, serviceEnv } from './support/compiled-service';
import {
  Caller,
  caller,
  callerAt,
  contentEverywhere,
  getRun,
  rowCount,
  seedTableAndPolicy,
  startRun,
  waitForRunEnd,
} from './support/job-fixtures';
import { TEST_ADMIN, TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';
import { waitFor } from './support/wait-for';

const OLD_ROWS = 300;
const BATCH = 10;
/** Long enough that every batch gets its progress record (written at most once a second). */
const SLEEP_MS = 1500;

/**
 * Cancel travels through the control database: a run executing in one service process is cancelled
 * through the API (or the CLI) of another process that only shares the control database with it.
 */
describeMariaDb('Cancelling a run wherever it runs', () => {
  let databases: TestDatabases;
  let compiled: CompiledService;
  /** Executes the runs: a service process of its own. */
  let executing: AppProcess;
  let onExecuting: Caller;
  /** Only shares the control database: an app in the test process, one job at a time. */
  let other: TestApp;
  let onOther: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    compiled = await compileService();
    [executing, other] = await Promise.all([
      compiled.start(serviceEnv(databases)),
      startTestApp(databases, { JOB_CONCURRENCY: '1' }),
    ]);
    onExecuting = await callerAt(executing.url, TEST_ADMIN);
    onOther = caller(other, await other.adminToken());
  }, 180_000);

  afterAll(async () => {
    await executing?.stop();
    await other?.close();
    compiled?.remove();
    await databases?.drop();
  });

  beforeEach(async () => {
    await seedTableAndPolicy(databases, onOther, 'orders', { old: OLD_ROWS, recent: 20 }, { batchSize: BATCH });
  });

  /** A long run on the executing process, once it has committed `batches` batches: its id and its batches then. */
  async function longRunOnExecutingProcess(batches = 2): Promise<{ id: number; batches: number }> {
    const id = await startRun(onExecuting, 'orders', { job: 'archive', sleepBetweenBatchesMs: SLEEP_MS });
    const seen = await waitFor('committed batches', async () => {
      const run = await getRun(onOther, id);
      return run.batches >= batches && run;
    });
    return { id, batches: seen.batches };
  }

  it('stops within one batch when cancelled through the API of another process; every row stays exactly once', async () => {
    const before = await contentEverywhere(databases, 'orders');
    const started = await longRunOnExecutingProcess();

    const cancel = await onOther.post(`/api/v1/runs/${started.id}/cancel`);

    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ id: started.id, status: 'running', cancelRequestedBy: TEST_ADMIN.username });
    expect(Date.parse(cancel.body.cancelRequestedAt)).not.toBeNaN();
    const ended = await waitForRunEnd(onOther, started.id);
    expect(ended.status).toBe('cancelled');
    expect(ended.error).toMatch(/^stopped after \d+ batches: cancelled by admin/);
    // The batch committed between our read and the request, and the one in flight then, at most.
    expect(ended.batches).toBeLessThanOrEqual(started.batches + 2);
    expect(ended.rowsArchived).toBe(ended.batches * BATCH);
    expect(ended.rowsArchived).toBeLessThan(OLD_ROWS);
    expect(ended.worker).toMatchObject({ pid: executing.pid, mode: 'inline' });
    expect(await rowCount(databases, 'archive', 'orders')).toBe(ended.rowsArchived);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
  });

  it('answers 409 for a run that has already finished, 404 for an unknown one, and 400 for a malformed id', async () => {
    const started = await longRunOnExecutingProcess(1);
    await onOther.post(`/api/v1/runs/${started.id}/cancel`).expect(202);
    await waitForRunEnd(onOther, started.id);

    const again = await onExecuting.post(`/api/v1/runs/${started.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ message: `run ${started.id} has already finished (cancelled)` });
    const unknown = await onOther.post('/api/v1/runs/999999999/cancel');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ message: 'no run with id 999999999' });
    expect((await onOther.post('/api/v1/runs/1e3/cancel')).status).toBe(400);
  });

  it('is for admins only', async () => {
    const viewer = caller(other, await other.createUser('cancel_viewer', ['orders']));
    expect((await viewer.post('/api/v1/runs/1/cancel')).status).toBe(403);
    expect((await other.http().post('/api/v1/runs/1/cancel')).status).toBe(401);
  });

  it('cancels from the CLI (run:cancel) too, in a process of its own', async () => {
    const started = await longRunOnExecutingProcess(1);

    const result = await runCli(['run:cancel', String(started.id)]);

    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`asked run ${started.id} (archive orders) to stop`);
    const ended = await waitForRunEnd(onOther, started.id);
    expect(ended).toMatchObject({ status: 'cancelled', cancelRequestedBy: 'cli' });
    const again = await runCli(['run:cancel', String(started.id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${started.id} has already finished (cancelled)`);
  });

  it('ends a run still waiting for a job slot as cancelled, before it moves anything', async () => {
    await seedTableAndPolicy(databases, onOther, 'invoices', { old: 50 }, { batchSize: BATCH });
    // JOB_CONCURRENCY=1 on this process: the second run waits until the first ends.
    const first = await startRun(onOther, 'orders', { job: 'archive', sleepBetweenBatchesMs: SLEEP_MS });
    const waiting = await startRun(onOther, 'invoices', { job: 'archive' });
    expect((await getRun(onOther, waiting)).worker).toBeNull();

    await onOther.post(`/api/v1/runs/${waiting}/cancel`).expect(202);
    await onOther.post(`/api/v1/runs/${first}/cancel`).expect(202);

    expect(await waitForRunEnd(onOther, first)).toMatchObject({ status: 'cancelled' });
    const ended = await waitForRunEnd(onOther, waiting);
    expect(ended).toMatchObject({ status: 'cancelled', rowsArchived: 0, batches: 0, worker: null });
    expect(ended.error).toBe('cancelled by admin before it started; nothing was moved');
    expect(await rowCount(databases, 'archive', 'invoices')).toBe(0);
  });

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [compiled.cliEntry, ...args], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        NODE_ENV: 'test',
        ...compiled.env,
        ...databases.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    return new Promise((resolveExit) =>
      child.once('close', (code) => {
        clearTimeout(timer);
        resolveExit({ code, stdout, stderr });
      }),
    );
  }
});

/** The same column on a SQLite control database: cancel, 409 after the end, in one service process. */
describe('Cancelling a run on a SQLite control database', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    app = await startTestApp(databases);
    admin = caller(app, await app.adminToken());
    await seedTableAndPolicy(databases, admin, 'orders', { old: OLD_ROWS, recent: 20 }, { batchSize: BATCH });
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('stops the run within one batch and records it cancelled; every row stays exactly once', async () => {
    const before = await contentEverywhere(databases, 'orders');
    const id = await startRun(admin, 'orders', { job: 'archive', sleepBetweenBatchesMs: SLEEP_MS });
    const seen = await waitFor('a committed batch', async () => {
      const run = await getRun(admin, id);
      return run.batches >= 1 && run;
    });

    await admin.post(`/api/v1/runs/${id}/cancel`).expect(202);
    const ended = await waitForRunEnd(admin, id);

    expect(ended).toMatchObject({ status: 'cancelled', cancelRequestedBy: TEST_ADMIN.username });
    expect(ended.batches).toBeLessThanOrEqual(seen.batches + 2);
    expect(await rowCount(databases, 'archive', 'orders')).toBe(ended.rowsArchived);
    expect(await contentEverywhere(databases, 'orders')).toEqual(before);
    expect((await admin.post(`/api/v1/runs/${id}/cancel`)).status).toBe(409);
  });
});
