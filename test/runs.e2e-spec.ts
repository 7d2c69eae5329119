import {
  Caller,
  RunBody,
  caller,
  contentEverywhere,
  createDatedTable,
  getRun,
  rowCount,
  savePolicy,
  startRun,
  waitForRunEnd,
} from './support/job-fixtures';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabases, describeEachEngine } from './support/test-databases';

const OLD_ROWS = 120;
const RECENT_ROWS = 30;

describeEachEngine('manual runs and the runs API', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  useTestApp(engine, (started) => ({ databases, app } = started));
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
    await createDatedTable(databases, 'orders', { old: OLD_ROWS, recent: RECENT_ROWS });
    await savePolicy(admin, 'orders', { batchSize: 10 });
  });

  beforeEach(async () => {
    await createDatedTable(databases, 'orders', { old: OLD_ROWS, recent: RECENT_ROWS });
  });

  describe('POST /api/v1/policies/{tableName}/run', () => {
    it('answers 202 at once, shows rowsArchived growing while it runs, and moves exactly the old rows', async () => {
      const before = await contentEverywhere(databases, 'orders');

      const response = await admin.post('/api/v1/policies/orders/run', { job: 'archive', sleepBetweenBatchesMs: 150 });

      expect(response.status).toBe(202);
      expect(response.body).toEqual({ runId: expect.any(Number) });
      const runId = (response.body as { runId: number }).runId;
      const whileRunning: number[] = [];
      let run: RunBody = await getRun(admin, runId);
      while (run.status === 'running') {
        whileRunning.push(run.rowsArchived);
        run = await getRun(admin, runId);
      }
      expect(whileRunning.some((rows) => rows > 0 && rows < OLD_ROWS)).toBe(true);
      expect(run).toEqual({
        id: runId,
        job: 'archive',
        tableName: 'orders',
        sourceConnection: 'source',
        archiveConnection: 'archive',
        status: 'succeeded',
        trigger: 'api',
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        rowsArchived: OLD_ROWS,
        rowsPurged: 0,
        batches: OLD_ROWS / 10,
        error: null,
        dryRun: false,
        requestedBy: 'admin',
        cancelRequestedAt: null,
        cancelRequestedBy: null,
        // Executed by the service itself (JOB_EXECUTION=inline, the default), in this test's process.
        worker: { host: expect.any(String), pid: process.pid, mode: 'inline', workerId: expect.any(String) },
        details: expect.objectContaining({ stopReason: 'completed', transfer: expect.any(String) }),
      });
      expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
      // Every time in the answer is ISO 8601 UTC, the cutoff in the details included.
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
      expect([run.startedAt, run.finishedAt, run.details?.archiveCutoff]).toEqual([
        expect.stringMatching(iso),
        expect.stringMatching(iso),
        expect.stringMatching(iso),
      ]);
      expect(await rowCount(databases, 'archive', 'orders')).toBe(OLD_ROWS);
      expect(await rowCount(databases, 'source', 'orders')).toBe(RECENT_ROWS);
      expect(await contentEverywhere(databases, 'orders')).toEqual(before);
    });

    it('keeps the milliseconds of start and end times, as stored', async () => {
      const run = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
      const [stored] = await databases.control<{ started_at: string; finished_at: string }>(
        'SELECT started_at, finished_at FROM job_runs WHERE id = ?',
        [run.id],
      );
      const asIso = (text: string) => `${String(text).replace(' ', 'T')}Z`;

      expect(asIso(stored.started_at)).toMatch(/\.\d{3}Z$/);
      expect([run.startedAt, run.finishedAt]).toEqual([asIso(stored.started_at), asIso(stored.finished_at)]);
    });

    it('records who started the run in the audit log', async () => {
      const runId = await startRun(admin, 'orders', { job: 'archive' });
      await waitForRunEnd(admin, runId);

      const audit = await admin.get('/api/v1/audit?action=run.start&tableName=orders');

      expect(audit.status).toBe(200);
      expect(audit.body).toContainEqual(
        expect.objectContaining({
          actor: 'admin',
          action: 'run.start',
          tableName: 'orders',
          details: { runId, job: 'archive', trigger: 'api', dryRun: false },
        }),
      );
    });

    it('answers 409 naming the running run while the same job runs on the table, and records the attempt', async () => {
      const first = await startRun(admin, 'orders', { job: 'archive', sleepBetweenBatchesMs: 200 });

      const second = await admin.post('/api/v1/policies/orders/run', { job: 'archive' });

      expect(second.status).toBe(409);
      expect(second.body.message).toMatch(
        new RegExp(
          `^archive of "orders" is already running: run ${first} holds its lease .*recorded as skipped run \\d+$`,
        ),
      );
      const skippedId = Number(/skipped run (\d+)$/.exec(second.body.message as string)?.[1]);
      expect(await getRun(admin, skippedId)).toMatchObject({ status: 'skipped', trigger: 'api', rowsArchived: 0 });
      expect(await waitForRunEnd(admin, first)).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS });
    });

    it('runs the purge job alongside an archive run of the same table (one lease per job)', async () => {
      const archiving = await startRun(admin, 'orders', { job: 'archive', sleepBetweenBatchesMs: 100 });
      const purging = await startRun(admin, 'orders', { job: 'purge' });

      expect(await waitForRunEnd(admin, purging)).toMatchObject({ job: 'purge', status: 'succeeded' });
      expect(await waitForRunEnd(admin, archiving)).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS });
    });

    it('purges archived rows past deleteAfterDays', async () => {
      await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));

      const run = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'purge', batchSize: 50 }));

      expect(run).toMatchObject({
        job: 'purge',
        status: 'succeeded',
        rowsPurged: OLD_ROWS,
        rowsArchived: 0,
        batches: 3,
      });
      expect(await rowCount(databases, 'archive', 'orders')).toBe(0);
      expect(await rowCount(databases, 'source', 'orders')).toBe(RECENT_ROWS);
    });

    it('archives and purges with lanes working key ranges at once, and records how many', async () => {
      const before = await contentEverywhere(databases, 'orders');

      const archived = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive', lanes: 2 }));
      expect(archived).toMatchObject({ status: 'succeeded', rowsArchived: OLD_ROWS });
      expect(await rowCount(databases, 'archive', 'orders')).toBe(OLD_ROWS);
      expect(await contentEverywhere(databases, 'orders')).toEqual(before);

      const purged = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'purge', lanes: 2 }));
      expect(purged).toMatchObject({ status: 'succeeded', rowsPurged: OLD_ROWS });
      expect(await rowCount(databases, 'archive', 'orders')).toBe(0);
      expect(await rowCount(databases, 'source', 'orders')).toBe(RECENT_ROWS);

      // MySQL/MariaDB cuts the integer key into lanes; SQLite (one writer per file) runs one.
      const lanes = engine === 'mysql' ? 2 : undefined;
      expect([archived.details?.lanes, purged.details?.lanes]).toEqual([lanes, lanes]);
    });

    it('changes nothing in a dry run and reports what it would move', async () => {
      const before = await contentEverywhere(databases, 'orders');

      const run = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive', dryRun: true }));

      expect(run).toMatchObject({ status: 'succeeded', dryRun: true, rowsArchived: 0, batches: 0 });
      expect(run.details).toMatchObject({ rowsToArchive: OLD_ROWS, batchesPlanned: OLD_ROWS / 10 });
      expect(await rowCount(databases, 'archive', 'orders')).toBe(0);
      expect(await contentEverywhere(databases, 'orders')).toEqual(before);
    });

    it('stops at maxRuntimeSeconds after the current batch and counts that as success', async () => {
      const run = await waitForRunEnd(
        admin,
        await startRun(admin, 'orders', { job: 'archive', maxRuntimeSeconds: 1, sleepBetweenBatchesMs: 400 }),
      );

      expect(run.status).toBe('succeeded');
      expect(run.details).toMatchObject({ stopReason: 'max-runtime' });
      expect(run.rowsArchived).toBeGreaterThan(0);
      expect(run.rowsArchived).toBeLessThan(OLD_ROWS);
      expect(await rowCount(databases, 'archive', 'orders')).toBe(run.rowsArchived);
    });

    it('answers 404 for a table without a policy', async () => {
      const response = await admin.post('/api/v1/policies/no_such_table/run', { job: 'archive' });

      expect(response.status).toBe(404);
      expect(response.body.message).toBe('no policy for table "no_such_table"');
    });

    it.each([
      [{}, /job must be one of: archive, purge/],
      [{ job: 'restore' }, /job must be one of: archive, purge/],
      [{ job: 'archive', dryRun: 'yes' }, /dryRun must be a boolean/],
      [{ job: 'archive', batchSize: 0 }, /batchSize must be an integer from 1 to 50000/],
      [
        { job: 'archive', sleepBetweenBatchesMs: 3_600_001 },
        /sleepBetweenBatchesMs must be an integer from 0 to 3600000/,
      ],
      [{ job: 'archive', maxRuntimeSeconds: 1.5 }, /maxRuntimeSeconds must be an integer from 1 to 604800/],
      [{ job: 'archive', maxRuntimeSeconds: 604_801 }, /maxRuntimeSeconds must be an integer from 1 to 604800/],
      [{ job: 'archive', lanes: 0 }, /lanes must be an integer from 1 to 4/],
      [{ job: 'archive', lanes: 5 }, /lanes must be an integer from 1 to 4/],
      [{ job: 'archive', batchSize: '100' }, /batchSize must be an integer from 1 to 50000/],
      [{ job: 'archive', force: true }, /property force should not exist/],
    ])('answers 400 for the body %j', async (body, message) => {
      const response = await admin.post('/api/v1/policies/orders/run', body);

      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });
  });

  describe('runs that fail', () => {
    it('fails with a clear message when the policy no longer matches the source table', async () => {
      await createDatedTable(databases, 'shipments', { old: 10 });
      await savePolicy(admin, 'shipments');
      await databases.source('ALTER TABLE shipments DROP COLUMN created_at');

      const run = await waitForRunEnd(admin, await startRun(admin, 'shipments', { job: 'archive' }));

      expect(run.status).toBe('failed');
      expect(run.error).toBe(
        'the policy for "shipments" no longer matches the source table: dateColumn "created_at" is not a column of table "shipments"',
      );
      expect(run).toMatchObject({ rowsArchived: 0, batches: 0, details: { stopReason: 'error' } });
      expect(await rowCount(databases, 'source', 'shipments')).toBe(10);
    });

    it('fails with a clear message when the archive table cannot take the rows, moving nothing', async () => {
      await createDatedTable(databases, 'invoices', { old: 10 });
      await savePolicy(admin, 'invoices');
      await databases.archive(
        engine === 'mysql'
          ? 'CREATE TABLE invoices (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, note INT, created_at DATETIME, archived_at DATETIME, archive_run_id BIGINT)'
          : 'CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, note INTEGER, created_at DATETIME, archived_at DATETIME, archive_run_id INTEGER)',
      );

      const run = await waitForRunEnd(admin, await startRun(admin, 'invoices', { job: 'archive' }));

      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/column "note"/);
      expect(await rowCount(databases, 'source', 'invoices')).toBe(10);
      expect(await rowCount(databases, 'archive', 'invoices')).toBe(0);
    });
  });

  describe('GET /api/v1/runs', () => {
    let ids: { archive: number; purge: number; failed: number };

    beforeAll(async () => {
      await createDatedTable(databases, 'orders', { old: OLD_ROWS, recent: RECENT_ROWS });
      const archive = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
      const purge = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'purge' }));
      await createDatedTable(databases, 'broken', { old: 5 });
      await savePolicy(admin, 'broken');
      await databases.source('DROP TABLE broken');
      const failed = await waitForRunEnd(admin, await startRun(admin, 'broken', { job: 'archive' }));
      ids = { archive: archive.id, purge: purge.id, failed: failed.id };
    });

    const list = async (query: string): Promise<RunBody[]> => {
      const response = await admin.get(`/api/v1/runs${query}`);
      expect(response.status).toBe(200);
      return response.body as RunBody[];
    };

    it('lists runs newest first', async () => {
      const runs = await list('');

      const positions = [ids.failed, ids.purge, ids.archive].map((id) => runs.findIndex((run) => run.id === id));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(runs.map((run) => run.id)).toEqual([...runs.map((run) => run.id)].sort((a, b) => b - a));
    });

    it('filters by tableName, job, status and trigger, and honours limit', async () => {
      expect((await list('?tableName=broken')).map((run) => run.id)).toEqual([ids.failed]);
      expect((await list('?tableName=orders&job=purge')).map((run) => run.id)).toContain(ids.purge);
      expect((await list('?tableName=orders&job=purge')).every((run) => run.job === 'purge')).toBe(true);
      expect((await list('?status=failed')).every((run) => run.status === 'failed')).toBe(true);
      expect((await list('?status=failed')).map((run) => run.id)).toContain(ids.failed);
      expect((await list('?trigger=schedule')).length).toBe(0);
      expect(await list('?limit=1')).toHaveLength(1);
      expect((await list('?limit=1'))[0].id).toBe(Math.max(...(await list('?limit=1000')).map((run) => run.id)));
    });

    it('returns 50 runs unless told otherwise', async () => {
      for (let run = 0; run < 50; run++) {
        await waitForRunEnd(admin, await startRun(admin, 'broken', { job: 'purge', dryRun: true }));
      }

      expect(await list('')).toHaveLength(50);
      expect((await list('?limit=1000')).length).toBeGreaterThan(50);
    });

    it.each([
      ['?limit=0', /limit must be an integer from 1 to 1000/],
      ['?limit=1001', /limit must be an integer from 1 to 1000/],
      ['?limit=ten', /limit must be an integer from 1 to 1000/],
      ['?limit=2.5', /limit must be an integer from 1 to 1000/],
      ['?limit=0x10', /limit must be an integer from 1 to 1000/],
      ['?limit=1e3', /limit must be an integer from 1 to 1000/],
      ['?limit=%2B5', /limit must be an integer from 1 to 1000/],
      ['?limit=%205', /limit must be an integer from 1 to 1000/],
      ['?job=restore', /job must be one of: archive, purge/],
      ['?status=done', /status must be one of: running, succeeded, failed, skipped/],
      ['?trigger=cron', /trigger must be one of: schedule, api, cli/],
      ['?sort=id', /property sort should not exist/],
    ])('answers 400 for %s', async (query, message) => {
      const response = await admin.get(`/api/v1/runs${query}`);

      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });
  });

  describe('GET /api/v1/runs/{id}', () => {
    it('answers 404 for an unknown id', async () => {
      const response = await admin.get('/api/v1/runs/987654');

      expect(response.status).toBe(404);
      expect(response.body.message).toBe('no run with id 987654');
    });

    it.each(['abc', '1.5', '1e3', '-1', '12345678901234567890', '01', '0', '+1', '0x1'])(
      'answers 400 for the id %s',
      async (id) => {
        const response = await admin.get(`/api/v1/runs/${id}`);

        expect(response.status).toBe(400);
        expect(response.body.message).toEqual(['id must be a positive integer']);
      },
    );
  });

  it('documents every route it adds in the OpenAPI document', async () => {
    const document = (await app.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { tags: string[]; summary: string; responses: Record<string, unknown> }>>;
    };

    const routes = [
      document.paths['/api/v1/runs'].get,
      document.paths['/api/v1/runs/{id}'].get,
      document.paths['/api/v1/policies/{tableName}/run'].post,
      document.paths['/api/v1/system/scheduler/jobs'].get,
      document.paths['/api/v1/system/scheduler/test'].post,
    ];
    for (const route of routes) {
      expect(route.summary).toEqual(expect.any(String));
      expect(route.tags.length).toBeGreaterThan(0);
      expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(Object.keys(routes[2].responses)).toEqual(expect.arrayContaining(['202', '400', '404', '409']));
    const parameters = (route: object) =>
      ((route as { parameters: Array<{ name: string; in: string }> }).parameters ?? []).map((p) => `${p.in}:${p.name}`);
    expect(parameters(routes[0])).toEqual(
      expect.arrayContaining(['query:tableName', 'query:job', 'query:status', 'query:trigger', 'query:limit']),
    );
    expect(parameters(routes[1])).toEqual(['path:id']);
  });
});
