import type { Connection } from 'mysql2/promise';
import request from 'supertest';
import { AppProcess, ProcessExit, runAppUntilExit, startAppProcess } from './support/app-process';
import { parseExposition, samplesOf, valueOf, Sample } from './support/exposition';
import { Caller, RunBody, createDatedTable, savePolicy, startRun, waitForRunEnd } from './support/job-fixtures';
import { itWithPromtool, promtool } from './support/promtool';
import { TEST_ADMIN, TestApp, startTestApp, testProcessEnv } from './support/test-app';
import { testMysqlUrl } from './support/mariadb-test-server';
import { TestDatabases, createTestDatabases, describeEachEngine, mysqlConnection } from './support/test-databases';
import { waitFor } from './support/wait-for';

const METRICS_TOKEN = 'metrics-token-for-the-metrics-test-0123456789';

/** Rows of the `orders` fixture: ids 1..OLD are 60 days old, the next RECENT 5 days. */
const OLD = 140;
const RECENT = 30;
/** The orders policy archives rows of customers 0..4 only (customer_id = id % 7). */
const ORDERS_CRITERIA = [{ column: 'customer_id', op: '<', value: 5 }];
const ORDERS_BACKLOG = Array.from({ length: OLD }, (_, i) => i + 1).filter((id) => id % 7 < 5).length;

interface LogLine {
  level: number;
  msg?: string;
  req?: { url: string };
}

function callerAt(url: string, token: string): Caller {
  const auth = `Bearer ${token}`;
  return {
    get: (path: string) => request(url).get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => request(url).post(path).set('Authorization', auth).send(body),
  };
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await request(url).post('/api/v1/auth/login').send({ username, password });
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}

/**
 * The service as it is deployed — its own process, configured by environment variables, JSON logs
 * on stdout — scraped the way Prometheus scrapes it, after archive and purge runs started over HTTP.
 * The backlog is sampled every second here so that the test need not wait minutes.
 */
describeEachEngine('GET /metrics', (engine) => {
  let databases: TestDatabases;
  let service: AppProcess;
  let admin: Caller;
  let env: Record<string, string>;
  const scrape = async (url = service.url): Promise<Sample[]> => {
    const response = await request(url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    return parseExposition(response.text);
  };

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    await createDatedTable(databases, 'orders', { old: OLD, recent: RECENT });
    await databases.source('CREATE INDEX idx_orders_created ON orders (created_at)');
    // No index starts with its date column: its backlog cannot be counted cheaply.
    await createDatedTable(databases, 'ledger', { old: 20, recent: 5 });
    await databases.source('CREATE INDEX idx_ledger_customer_created ON ledger (customer_id, created_at)');
    env = testProcessEnv(databases, {
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      METRICS_TOKEN,
      METRICS_BACKLOG_INTERVAL_SECONDS: '1',
    });
    service = await startAppProcess(env, 60_000);
    admin = callerAt(service.url, await login(service.url, TEST_ADMIN.username, TEST_ADMIN.password));
    await savePolicy(admin, 'orders', { criteria: ORDERS_CRITERIA, batchSize: 10 });
    await savePolicy(admin, 'ledger');
  });

  afterAll(async () => {
    await service?.stop();
    await databases?.drop();
  });

  describe('who may read it', () => {
    it('answers 401 without a token, and with a token that is neither METRICS_TOKEN nor valid', async () => {
      expect((await request(service.url).get('/metrics')).status).toBe(401);
      for (const token of [`${METRICS_TOKEN}x`, METRICS_TOKEN.slice(0, -1), 'not-a-token']) {
        const response = await request(service.url).get('/metrics').set('Authorization', `Bearer ${token}`);
        expect({ token, status: response.status }).toEqual({ token, status: 401 });
      }
      const basic = await request(service.url).get('/metrics').set('Authorization', `Basic ${METRICS_TOKEN}`);
      expect(basic.status).toBe(401);
    });

    it('answers 403 to a signed-in user who is not an admin', async () => {
      const signup = await request(service.url)
        .post('/api/v1/auth/signup')
        .send({ username: 'metrics-reader', password: 'reader-password-1' });
      expect(signup.status).toBe(201);
      const token = await login(service.url, 'metrics-reader', 'reader-password-1');

      const response = await request(service.url).get('/metrics').set('Authorization', `Bearer ${token}`);

      expect(response.status).toBe(403);
      expect(response.body).toEqual({ statusCode: 403, message: expect.stringMatching(/admin/), error: 'Forbidden' });
    });

    it('answers 200 in Prometheus text format to METRICS_TOKEN and to an admin token', async () => {
      const withToken = await request(service.url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      const asAdmin = await admin.get('/metrics');

      for (const response of [withToken, asAdmin]) {
        expect(response.status).toBe(200);
        // Express sorts the parameters of the registry's `text/plain; version=0.0.4; charset=utf-8`.
        expect(response.headers['content-type']).toBe('text/plain; charset=utf-8; version=0.0.4');
        expect(response.text).toContain('# TYPE das_runs_total counter');
        expect(response.text).toContain('das_process_cpu_seconds_total');
      }
    });

    it('lives at the root only, not under /api/v1', async () => {
      expect((await admin.get('/api/v1/metrics')).status).toBe(404);
    });
  });

  describe('the archive backlog', () => {
    it('equals the rows the policy would archive now, counted through the date index', async () => {
      const preview = await admin.get('/api/v1/policies/orders/preview');
      expect(preview.body.rowsToArchive).toBe(ORDERS_BACKLOG);

      const samples = await waitFor('the backlog of orders', async () => {
        const scraped = await scrape();
        return (
          valueOf(scraped, 'das_archive_backlog_rows', { connection: 'source', table: 'orders' }) === ORDERS_BACKLOG &&
          scraped
        );
      });

      expect(valueOf(samples, 'das_archive_backlog_capped', { connection: 'source', table: 'orders' })).toBe(0);
      const sampledAt = valueOf(samples, 'das_archive_backlog_sampled_timestamp_seconds', {
        connection: 'source',
        table: 'orders',
      });
      expect(sampledAt).toBeGreaterThan(Date.parse(preview.body.archiveCutoff) / 1000);
    });

    it('is absent for a policy without an index that starts with its date column, with one warning', async () => {
      // Let several samples pass, each of which skips the ledger.
      const first = valueOf(await scrape(), 'das_archive_backlog_sampled_timestamp_seconds', {
        connection: 'source',
        table: 'orders',
      })!;
      await waitFor('two more samples', async () => {
        const now = valueOf(await scrape(), 'das_archive_backlog_sampled_timestamp_seconds', {
          connection: 'source',
          table: 'orders',
        })!;
        return now >= first + 2;
      });

      const samples = await scrape();
      expect(samplesOf(samples, 'das_archive_backlog_rows').map((sample) => sample.labels.table)).toEqual(['orders']);
      const warnings = logLines(service.stdout()).filter(
        (line) => line.level === 40 && line.msg?.includes('archive backlog of "ledger"'),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toMatch(/no index of the table starts with its date column "created_at"/);
    });
  });

  describe('after an archive run and a purge run through the API', () => {
    let archived: RunBody;
    let purged: RunBody;
    let samples: Sample[];

    beforeAll(async () => {
      archived = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
      purged = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'purge', batchSize: 25 }));
      samples = await scrape();
    });

    it('the runs themselves succeeded, moving and purging rows in several batches', () => {
      expect(archived).toMatchObject({ status: 'succeeded', rowsArchived: ORDERS_BACKLOG });
      expect(purged).toMatchObject({ status: 'succeeded', rowsPurged: ORDERS_BACKLOG });
      expect(archived.batches).toBeGreaterThan(1);
      expect(purged.batches).toBeGreaterThan(1);
    });

    it('shows the rows and batches of the run records', () => {
      expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'orders' })).toBe(
        archived.rowsArchived,
      );
      expect(valueOf(samples, 'das_rows_purged_total', { connection: 'source', table: 'orders' })).toBe(
        purged.rowsPurged,
      );
      expect(valueOf(samples, 'das_batches_total', { job: 'archive', connection: 'source', table: 'orders' })).toBe(
        archived.batches,
      );
      expect(valueOf(samples, 'das_batches_total', { job: 'purge', connection: 'source', table: 'orders' })).toBe(
        purged.batches,
      );
      expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'ledger' })).toBe(0);
    });

    it('observes each batch in the duration histogram', () => {
      for (const run of [archived, purged]) {
        const job = run.job;
        expect(valueOf(samples, 'das_batch_duration_seconds_count', { job })).toBe(run.batches);
        expect(valueOf(samples, 'das_batch_duration_seconds_bucket', { job, le: '+Inf' })).toBe(run.batches);
        expect(valueOf(samples, 'das_batch_duration_seconds_sum', { job })).toBeGreaterThan(0);
      }
    });

    it('counts the bytes that travelled through the process, none when rows moved inside the server', () => {
      const bytes = valueOf(samples, 'das_batch_bytes_total', {
        job: 'archive',
        connection: 'source',
        table: 'orders',
      });
      if (archived.details?.transfer === 'server-side') {
        expect(bytes).toBe(0);
      } else {
        expect(archived.details?.transfer).toBe('copy');
        expect(bytes).toBeGreaterThan(archived.rowsArchived * 10);
      }
      expect(valueOf(samples, 'das_batch_bytes_total', { job: 'purge', connection: 'source', table: 'orders' })).toBe(
        0,
      );
    });

    it('counts the runs by status, none of them running any more', () => {
      expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'succeeded' })).toBe(1);
      expect(valueOf(samples, 'das_runs_total', { job: 'purge', status: 'succeeded' })).toBe(1);
      expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'failed' })).toBe(0);
      expect(valueOf(samples, 'das_runs_running', { job: 'archive' })).toBe(0);
      expect(valueOf(samples, 'das_runs_running', { job: 'purge' })).toBe(0);
      expect(valueOf(samples, 'das_run_paused', { reason: 'replica-lag' })).toBe(0);
    });

    it('shows when each job last succeeded on the table, as the run record says', () => {
      for (const run of [archived, purged]) {
        const shown = valueOf(samples, 'das_last_success_timestamp_seconds', {
          job: run.job,
          connection: 'source',
          table: 'orders',
        });
        // The record may keep whole seconds only (MySQL DATETIME); the event had the exact time.
        expect(Math.abs(shown! - Date.parse(run.finishedAt!) / 1000)).toBeLessThan(1);
      }
      expect(
        valueOf(samples, 'das_last_success_timestamp_seconds', {
          job: 'archive',
          connection: 'source',
          table: 'ledger',
        }),
      ).toBeUndefined();
    });

    it('samples a backlog of 0 once the rows are archived', async () => {
      await waitFor('the backlog of orders to be 0', async () => {
        return valueOf(await scrape(), 'das_archive_backlog_rows', { connection: 'source', table: 'orders' }) === 0;
      });
    });

    itWithPromtool('is accepted by promtool check metrics', async () => {
      const response = await request(service.url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);

      const result = await promtool(['check', 'metrics'], response.text);

      expect(result).toEqual({ code: 0, output: '' });
    });

    describe('when the service restarts', () => {
      let exit: ProcessExit;

      beforeAll(async () => {
        exit = await service.stop();
        service = await startAppProcess(env, 60_000);
        admin = callerAt(service.url, await login(service.url, TEST_ADMIN.username, TEST_ADMIN.password));
        samples = await scrape();
      });

      it('neither logged the scrapes nor wrote the metrics token, and logged the refusals at warn', () => {
        const metricsLines = logLines(exit.stdout).filter((line) => line.req?.url.startsWith('/metrics'));
        // Scrapes are not request-logged; the refused ones (401, 403) are, like every client error.
        const refusal = (line: LogLine) => line.level === 40 && /^GET \/metrics: 40[13] /.test(line.msg ?? '');
        expect(metricsLines.filter((line) => !refusal(line))).toEqual([]);
        expect(metricsLines.length).toBeGreaterThan(0);
        expect(`${exit.stdout}${exit.stderr}`).not.toContain(METRICS_TOKEN);
      });

      it('still shows the last successes, read from the control database', () => {
        for (const run of [archived, purged]) {
          expect(
            valueOf(samples, 'das_last_success_timestamp_seconds', {
              job: run.job,
              connection: 'source',
              table: 'orders',
            }),
          ).toBe(Date.parse(run.finishedAt!) / 1000);
        }
      });

      it('starts the counters of this process at 0 for every enabled policy', () => {
        expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'orders' })).toBe(0);
        expect(valueOf(samples, 'das_batches_total', { job: 'archive', connection: 'source', table: 'ledger' })).toBe(
          0,
        );
        expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'succeeded' })).toBe(0);
      });
    });
  });

  if (engine === 'mysql') {
    describe('while a run is paused by the load of the source', () => {
      let sleepers: Connection[];
      let runId: number;

      beforeAll(async () => {
        await createDatedTable(databases, 'events', { old: 50, recent: 5 });
        await savePolicy(admin, 'events', { batchSize: 10 });
        // Sessions executing a statement are what Threads_running counts.
        sleepers = await Promise.all(Array.from({ length: 8 }, () => mysqlConnection(testMysqlUrl()!)));
        sleepers.forEach((sleeper) => void sleeper.query('SELECT SLEEP(300)').catch(() => undefined));
        runId = await startRun(admin, 'events', { job: 'archive', maxThreadsRunning: 4 });
      });

      afterAll(() => {
        sleepers?.forEach((sleeper) => sleeper.destroy());
      });

      it('shows the run paused for its reason while it waits, and resumed once the load is gone', async () => {
        const paused = await waitFor('the run to pause', async () => {
          const scraped = await scrape();
          return valueOf(scraped, 'das_run_paused', { reason: 'threads-running' }) === 1 && scraped;
        });
        expect(valueOf(paused, 'das_runs_running', { job: 'archive' })).toBe(1);
        expect(valueOf(paused, 'das_run_paused', { reason: 'replica-lag' })).toBe(0);

        const killer = await mysqlConnection(testMysqlUrl()!);
        try {
          for (const sleeper of sleepers) {
            await killer.query(`KILL QUERY ${sleeper.threadId}`);
          }
        } finally {
          await killer.end();
        }
        const run = await waitForRunEnd(admin, runId, 60_000);

        expect({ status: run.status, error: run.error, rowsArchived: run.rowsArchived }).toEqual({
          status: 'succeeded',
          error: null,
          rowsArchived: 50,
        });
        expect(run.details?.pauses).toMatchObject({ 'threads-running': { count: 1 } });
        const after = await scrape();
        expect(valueOf(after, 'das_run_paused', { reason: 'threads-running' })).toBe(0);
        expect(valueOf(after, 'das_runs_running', { job: 'archive' })).toBe(0);
        expect(valueOf(after, 'das_rows_archived_total', { connection: 'source', table: 'events' })).toBe(50);
      });
    });
  }

  describe('with METRICS_ENABLED=false', () => {
    let disabled: TestApp;

    beforeAll(async () => {
      disabled = await startTestApp(databases, { METRICS_ENABLED: 'false', METRICS_TOKEN });
    });

    afterAll(async () => {
      await disabled?.close();
    });

    it('answers 404 to everyone, the admin and METRICS_TOKEN included', async () => {
      const adminToken = await disabled.adminToken();
      for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}`, `Bearer ${adminToken}`]) {
        const call = disabled.http().get('/metrics');
        const response = await (authorization ? call.set('Authorization', authorization) : call);
        expect(response.status).toBe(404);
      }
    });
  });
});

function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('GET /metrics in the OpenAPI document', () => {
  let databases: TestDatabases;
  let app: TestApp;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    app = await startTestApp(databases);
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('is documented with bearer auth, a text/plain answer with an example, and its error answers', async () => {
    const operation = (await app.http().get('/docs-json')).body.paths['/metrics']?.get;

    expect(operation).toMatchObject({
      summary: expect.any(String),
      description: expect.stringContaining('METRICS_TOKEN'),
      tags: ['metrics'],
      security: [{ bearer: [] }],
      responses: {
        200: { content: { 'text/plain': { schema: { type: 'string' }, example: expect.stringContaining('das_') } } },
        401: expect.any(Object),
        403: expect.any(Object),
        404: expect.any(Object),
      },
    });
  });
});

describe('METRICS_TOKEN at boot', () => {
  it('refuses to start in production with a token shorter than 32 characters, without printing it', async () => {
    const token = 'short-metrics-token-77';
    const exit = await runAppUntilExit({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
      CONTROL_DB_URL: 'sqlite::memory:',
      METRICS_TOKEN: token,
    });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('DAS cannot start. Invalid configuration:');
    expect(exit.stderr).toContain('METRICS_TOKEN must be at least 32 characters when NODE_ENV=production');
    expect(`${exit.stdout}${exit.stderr}`).not.toContain(token);
  });
});
