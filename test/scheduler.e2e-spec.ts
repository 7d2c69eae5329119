import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ScheduledJobs } from '../src/scheduler/scheduled-jobs.service';
import {
  Caller,
  RunBody,
  caller,
  contentEverywhere,
  createDatedTable,
  rowCount,
  savePolicy,
} from './support/job-fixtures';
import { waitFor } from './support/wait-for';
import { AppProcess, startAppProcess } from './support/app-process';
import { TEST_ADMIN, TEST_JWT_SECRET, TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

interface SchedulerJob {
  name: string;
  job: string;
  cron: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
}

const EVERY_SECOND = '* * * * * *';
/** Far enough away never to fire during a test. */
const NEW_YEAR = '0 0 1 1 *';

async function jobs(as: Caller): Promise<SchedulerJob[]> {
  const response = await as.get('/api/v1/system/scheduler/jobs');
  expect(response.status).toBe(200);
  return response.body as SchedulerJob[];
}

async function runsOf(as: Caller, query: string): Promise<RunBody[]> {
  const response = await as.get(`/api/v1/runs${query}`);
  expect(response.status).toBe(200);
  return response.body as RunBody[];
}

describeEachEngine('the scheduler', (engine) => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
  });

  afterAll(async () => {
    await databases?.drop();
  });

  describe('with SCHEDULER_ENABLED=false', () => {
    let app: TestApp;
    let admin: Caller;

    beforeAll(async () => {
      app = await startTestApp(databases, {
        SCHEDULER_ENABLED: 'false',
        ARCHIVAL_JOB_CRON: EVERY_SECOND,
        PURGE_JOB_CRON: EVERY_SECOND,
      });
      admin = caller(app, await app.adminToken());
      await createDatedTable(databases, 'orders', { old: 40, recent: 10 });
      await savePolicy(admin, 'orders');
    });

    afterAll(async () => {
      await app?.close();
    });

    it('fires no cron job, and the jobs list says they are disabled', async () => {
      await sleep(2200);

      expect(await runsOf(admin, '?tableName=orders')).toEqual([]);
      expect(await rowCount(databases, 'source', 'orders')).toBe(50);
      expect(await jobs(admin)).toEqual([
        { name: 'archival-job', job: 'archive', cron: EVERY_SECOND, enabled: false, nextRunAt: null, lastRunAt: null },
        { name: 'purge-job', job: 'purge', cron: EVERY_SECOND, enabled: false, nextRunAt: null, lastRunAt: null },
      ]);
    });

    describe('a scheduler tick (ScheduledJobs.runAll)', () => {
      it('runs every enabled policy in table order; one failing does not stop the next', async () => {
        const before = await contentEverywhere(databases, 'orders');
        // "a_broken" sorts before "orders": its failure comes first in the tick.
        await createDatedTable(databases, 'a_broken', { old: 5 });
        await savePolicy(admin, 'a_broken');
        await databases.source('ALTER TABLE a_broken DROP COLUMN created_at');
        await createDatedTable(databases, 'z_disabled', { old: 5 });
        await savePolicy(admin, 'z_disabled', { enabled: false });

        const runs = await app.app.get(ScheduledJobs).runAll('archive');

        expect(runs.map((run) => [run.tableName, run.status])).toEqual([
          ['a_broken', 'failed'],
          ['orders', 'succeeded'],
        ]);
        expect(runs[0].error).toBe(
          'the policy for "a_broken" no longer matches the source table: dateColumn "created_at" is not a column of table "a_broken"',
        );
        const recorded = await runsOf(admin, '?trigger=schedule');
        expect(recorded.map((run) => run.tableName).sort()).toEqual(['a_broken', 'orders']);
        expect(recorded.find((run) => run.tableName === 'orders')).toMatchObject({
          job: 'archive',
          status: 'succeeded',
          rowsArchived: 40,
          requestedBy: null,
        });
        expect(await rowCount(databases, 'source', 'z_disabled')).toBe(5);
        expect(await contentEverywhere(databases, 'orders')).toEqual(before);
      });
    });

    describe('POST /api/v1/system/scheduler/test', () => {
      it('schedules a one-off job that is listed until it fires, then shows when it fired', async () => {
        const asked = Date.now();

        const response = await admin.post('/api/v1/system/scheduler/test', { delaySeconds: 1 });

        expect(response.status).toBe(202);
        const { name, runAt } = response.body as { name: string; runAt: string };
        expect(name).toMatch(/^test-job-/);
        expect(Date.parse(runAt) - asked).toBeGreaterThanOrEqual(900);
        expect(Date.parse(runAt) - asked).toBeLessThan(2000);
        expect((await jobs(admin)).find((job) => job.name === name)).toEqual({
          name,
          job: 'test',
          cron: null,
          enabled: true,
          nextRunAt: runAt,
          lastRunAt: null,
        });

        const fired = await waitFor('the test job to fire', async () =>
          (await jobs(admin)).find((job) => job.name === name && job.lastRunAt !== null),
        );
        expect(fired.nextRunAt).toBeNull();
        expect(Date.parse(fired.lastRunAt!)).toBeGreaterThanOrEqual(Date.parse(runAt) - 5);
      });

      it('waits 5 seconds when no delay is given', async () => {
        const asked = Date.now();

        const response = await admin.post('/api/v1/system/scheduler/test', {});

        expect(response.status).toBe(202);
        const delay = Date.parse((response.body as { runAt: string }).runAt) - asked;
        expect(delay).toBeGreaterThanOrEqual(4900);
        expect(delay).toBeLessThan(6000);
      });

      it.each([[{ delaySeconds: -1 }], [{ delaySeconds: 3601 }], [{ delaySeconds: 1.5 }], [{ delaySeconds: '5' }]])(
        'answers 400 for %j',
        async (body) => {
          const response = await admin.post('/api/v1/system/scheduler/test', body);

          expect(response.status).toBe(400);
          expect(response.body.message).toContain('delaySeconds must be an integer from 0 to 3600');
        },
      );
    });
  });

  describe('with SCHEDULER_ENABLED=true and a cron firing every second', () => {
    let app: TestApp;
    let admin: Caller;

    beforeAll(async () => {
      // Only this describe's policy is enabled: its ticks must not trip over the tables of other tests.
      await databases.control('UPDATE policies SET enabled = ?', [0]);
      await createDatedTable(databases, 'cron_orders', { old: 30, recent: 10 });
      app = await startTestApp(databases, {
        SCHEDULER_ENABLED: 'true',
        ARCHIVAL_JOB_CRON: EVERY_SECOND,
        PURGE_JOB_CRON: NEW_YEAR,
      });
      admin = caller(app, await app.adminToken());
    });

    afterAll(async () => {
      await app?.close();
    });

    it('archives an enabled policy on schedule and lists the job with its next and last run', async () => {
      await savePolicy(admin, 'cron_orders');

      const run = await waitFor('a scheduled run of cron_orders', async () =>
        (await runsOf(admin, '?tableName=cron_orders&trigger=schedule')).find(
          (r) => r.status === 'succeeded' && r.rowsArchived > 0,
        ),
      );

      expect(run).toMatchObject({ job: 'archive', trigger: 'schedule', rowsArchived: 30, requestedBy: null });
      expect(await rowCount(databases, 'archive', 'cron_orders')).toBe(30);
      const listed = await jobs(admin);
      const archival = listed.find((job) => job.name === 'archival-job');
      expect(archival).toMatchObject({ job: 'archive', cron: EVERY_SECOND, enabled: true });
      expect(Date.parse(archival!.lastRunAt!)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(archival!.nextRunAt!) - Date.now()).toBeLessThanOrEqual(1000);
      const purge = listed.find((job) => job.name === 'purge-job');
      expect(purge).toMatchObject({ cron: NEW_YEAR, enabled: true, lastRunAt: null });
      expect(new Date(purge!.nextRunAt!).toISOString()).toMatch(/^\d{4}-01-01T00:00:00\.000Z$/);
    });
  });
});

describe('the scheduler test job in the service process', () => {
  let databases: TestDatabases;
  let service: AppProcess;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    service = await startAppProcess({
      ...databases.env,
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: TEST_ADMIN.username,
      ADMIN_PASSWORD: TEST_ADMIN.password,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await databases?.drop();
  });

  it('logs a line when it fires', async () => {
    const login = await request(service.url).post('/api/v1/auth/login').send(TEST_ADMIN);
    const response = await request(service.url)
      .post('/api/v1/system/scheduler/test')
      .set('Authorization', `Bearer ${(login.body as { access_token: string }).access_token}`)
      .send({ delaySeconds: 0 });
    expect(response.status).toBe(202);
    const { name } = response.body as { name: string };

    const line = await waitFor('the log line of the test job', async () =>
      service
        .stdout()
        .split('\n')
        .find((entry) => entry.includes(`Scheduler test job ${name} fired`)),
    );
    expect(JSON.parse(line)).toMatchObject({ level: 30, context: 'SchedulerService' });
  });
});
