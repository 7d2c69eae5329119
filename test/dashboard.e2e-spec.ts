import { Caller, caller, createDatedTable, getRun, savePolicy, startRun, waitForRunEnd } from './support/job-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';
import { waitFor } from './support/wait-for';

const DAY_MS = 86_400_000;

interface DashboardBody {
  policies: Array<Record<string, unknown> & { tableName: string; backlog: { rows: number; sampledAt: string } | null }>;
  daily: Array<{
    day: string;
    rowsArchived: number;
    rowsPurged: number;
    runs: number;
    failedRuns: number;
    avgDurationMs: number | null;
    maxDurationMs: number | null;
  }>;
}

/** A run row as the control database holds it, read raw. */
interface RawRun {
  status: string;
  started_at: string;
  finished_at: string | null;
  rows_archived: string | number | bigint;
  rows_purged: string | number | bigint;
  dry_run: string | number | bigint;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` as the control database writes it, `days` before now plus `ms`. */
function controlTime(days: number, ms = 0): string {
  const today = new Date();
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return new Date(midnight - days * DAY_MS + ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * GET /dashboard on both control databases: every policy with its last run, last successes and the
 * metrics sampler's backlog, and daily totals that match the runs recorded, computed here from the
 * raw job_runs table.
 */
describeEachEngine('admin dashboard', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;
  let reader: Caller;
  let runIds: { archive: number; dry: number; purge: number };

  const dashboard = async (query = ''): Promise<DashboardBody> => {
    const response = await admin.get(`/api/v1/dashboard${query}`);
    expect(response.status).toBe(200);
    return response.body as DashboardBody;
  };
  const ordersOf = (body: DashboardBody) => body.policies.find((policy) => policy.tableName === 'orders');

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    await createDatedTable(databases, 'orders', { old: 30, recent: 10 });
    // The backlog is only counted through an index that starts with the date column.
    await databases.source('CREATE INDEX idx_orders_created ON orders (created_at)');
    await createDatedTable(databases, 'customers', { old: 5 });
    app = await startTestApp(databases, { METRICS_BACKLOG_INTERVAL_SECONDS: '1' });
    admin = caller(app, await app.adminToken());
    reader = caller(app, await app.createUser('analyst', ['orders']));
    await savePolicy(admin, 'customers', { enabled: false });
    await savePolicy(admin, 'orders');
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('shows the backlog the metrics sampler counted, before and after the policy runs', async () => {
    const before = await waitFor('the first backlog sample', async () => ordersOf(await dashboard())?.backlog);
    expect(before).toMatchObject({ rows: 30, capped: false });
    expect(ordersOf(await dashboard())).toMatchObject({ lastRun: null, lastSuccessAt: null, lastPurgeSuccessAt: null });

    runIds = {
      archive: (await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }))).id,
      dry: (await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive', dryRun: true }))).id,
      purge: (await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'purge' }))).id,
    };
    const after = await waitFor('a backlog sample after the run', async () => {
      const backlog = ordersOf(await dashboard())?.backlog;
      return backlog && backlog.sampledAt > before.sampledAt && backlog.rows === 0 && backlog;
    });
    expect(after).toMatchObject({ rows: 0, capped: false });
  });

  it('lists every policy with its state, last run and last successes', async () => {
    const [archive, purge] = [await getRun(admin, runIds.archive), await getRun(admin, runIds.purge)];
    expect(archive).toMatchObject({ status: 'succeeded', rowsArchived: 30 });
    expect(purge).toMatchObject({ status: 'succeeded', rowsPurged: 30 });
    const body = await dashboard();
    expect(body.policies.map((policy) => policy.tableName)).toEqual(['customers', 'orders']);
    expect(body.policies[0]).toEqual({
      tableName: 'customers',
      sourceConnection: 'source',
      archiveConnection: 'archive',
      enabled: false,
      lastRun: null,
      lastSuccessAt: null,
      lastPurgeSuccessAt: null,
      // Disabled policies are not sampled.
      backlog: null,
    });
    expect(body.policies[1]).toEqual({
      tableName: 'orders',
      sourceConnection: 'source',
      archiveConnection: 'archive',
      enabled: true,
      lastRun: {
        id: purge.id,
        job: 'purge',
        status: 'succeeded',
        startedAt: purge.startedAt,
        finishedAt: purge.finishedAt,
        error: null,
      },
      lastSuccessAt: archive.finishedAt,
      lastPurgeSuccessAt: purge.finishedAt,
      backlog: { rows: 0, capped: false, sampledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) },
    });
  });

  it('totals runs per UTC day as the recorded runs say, leaving out dry runs and skipped attempts', async () => {
    // Older history, of a table without a policy: it counts in the totals, not in any policy's state.
    const history: Array<[string, string, string | null, number, number, boolean]> = [
      ['succeeded', controlTime(3, 36_000_000), controlTime(3, 36_002_500), 1000, 0, false],
      ['failed', controlTime(3, 40_000_000), controlTime(3, 40_001_000), 0, 0, false],
      ['succeeded', controlTime(3, 50_000_000), controlTime(3, 50_000_125), 0, 250, false],
      ['succeeded', controlTime(3, 60_000_000), controlTime(3, 60_090_000), 0, 0, true],
      ['skipped', controlTime(3, 70_000_000), controlTime(3, 70_000_000), 0, 0, false],
      ['succeeded', controlTime(89, 1000), controlTime(89, 3001), 7, 0, false],
      ['succeeded', controlTime(90, 1000), controlTime(90, 5000), 11, 0, false],
      ['running', controlTime(0, 1000), null, 5, 0, false],
    ];
    const trigger = engine === 'mysql' ? '`trigger`' : '"trigger"';
    for (const [status, startedAt, finishedAt, archived, purged, dryRun] of history) {
      await databases.control(
        `INSERT INTO job_runs (job, table_name, source_connection, archive_connection, status, ${trigger}, started_at, ` +
          'finished_at, rows_archived, rows_purged, batches, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          purged > 0 ? 'purge' : 'archive',
          'legacy',
          'source',
          'archive',
          status,
          'schedule',
          startedAt,
          finishedAt,
          archived,
          purged,
          1,
          dryRun ? 1 : 0,
        ],
      );
    }
    const raw = await databases.control<RawRun>(
      'SELECT status, started_at, finished_at, rows_archived, rows_purged, dry_run FROM job_runs',
    );
    const text = (value: unknown) =>
      value instanceof Date ? value.toISOString().replace('T', ' ').replace('Z', '') : String(value);
    const expectedDay = (day: string) => {
      const runs = raw.filter(
        (run) => text(run.started_at).startsWith(day) && Number(run.dry_run) === 0 && run.status !== 'skipped',
      );
      const durations = runs
        .filter((run) => run.finished_at !== null)
        .map(
          (run) =>
            Date.parse(`${text(run.finished_at).replace(' ', 'T')}Z`) -
            Date.parse(`${text(run.started_at).replace(' ', 'T')}Z`),
        );
      return {
        day,
        rowsArchived: runs.reduce((sum, run) => sum + Number(run.rows_archived), 0),
        rowsPurged: runs.reduce((sum, run) => sum + Number(run.rows_purged), 0),
        runs: runs.length,
        failedRuns: runs.filter((run) => run.status === 'failed').length,
        avgDurationMs:
          durations.length === 0 ? null : Math.round(durations.reduce((sum, ms) => sum + ms, 0) / durations.length),
        maxDurationMs: durations.length === 0 ? null : Math.max(...durations),
      };
    };

    const body = await dashboard('?days=90');
    expect(body.daily).toHaveLength(90);
    expect(body.daily[89].day).toBe(controlTime(0).slice(0, 10));
    expect(body.daily[0].day).toBe(controlTime(89).slice(0, 10));
    // Means are compared within a millisecond: SQLite computes them in floating point.
    const withoutMean = ({ avgDurationMs: _mean, ...rest }: DashboardBody['daily'][number]) => rest;
    const expected = body.daily.map((entry) => expectedDay(entry.day));
    expect(body.daily.map(withoutMean)).toEqual(expected.map(withoutMean));
    body.daily.forEach((entry, i) =>
      expect(Math.abs((entry.avgDurationMs ?? -1) - (expected[i].avgDurationMs ?? -1))).toBeLessThanOrEqual(1),
    );
    // The fixtures are where they were meant to be: day -3 has the two runs and the purge, not the dry run or the skip.
    expect(body.daily[86]).toEqual({
      day: controlTime(3).slice(0, 10),
      rowsArchived: 1000,
      rowsPurged: 250,
      runs: 3,
      failedRuns: 1,
      avgDurationMs: 1208,
      maxDurationMs: 2500,
    });
    const today = body.daily[89];
    expect(today.runs).toBeGreaterThanOrEqual(3);
    expect(today.rowsArchived).toBeGreaterThanOrEqual(35);

    const longer = await dashboard('?days=366');
    expect(longer.daily).toHaveLength(366);
    expect(longer.daily.find((entry) => entry.day === controlTime(90).slice(0, 10))).toMatchObject({
      runs: 1,
      rowsArchived: 11,
    });
    expect((await dashboard('?days=1')).daily).toEqual([today]);
    expect((await dashboard()).daily).toHaveLength(90);
  });

  it.each(['days=0', 'days=367', 'days=abc', 'days=1.5', 'days=1&days=2', 'days=%2B5', 'since=2024-01-01'])(
    'answers 400 for %s',
    async (query) => {
      const response = await admin.get(`/api/v1/dashboard?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    },
  );

  it("keeps each policy's last successes to its own source connection", async () => {
    // A later success of a table of the same name on another source connection (no policy here).
    const trigger = engine === 'mysql' ? '`trigger`' : '"trigger"';
    await databases.control(
      `INSERT INTO job_runs (job, table_name, source_connection, archive_connection, status, ${trigger}, started_at, ` +
        'finished_at, rows_archived, rows_purged, batches, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        'archive',
        'orders',
        'shop_b',
        'archive',
        'succeeded',
        'schedule',
        controlTime(0, 1000),
        controlTime(0, 2000),
        3,
        0,
        1,
        0,
      ],
    );
    const archive = await getRun(admin, runIds.archive);
    expect(ordersOf(await dashboard())).toMatchObject({ lastSuccessAt: archive.finishedAt, lastRun: { job: 'purge' } });
  });

  it('is for admins only', async () => {
    expect((await reader.get('/api/v1/dashboard')).status).toBe(403);
    expect((await app.http().get('/api/v1/dashboard')).status).toBe(401);
  });
});
