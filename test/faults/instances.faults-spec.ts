import request from 'supertest';
import { AppProcess, startAppProcess } from '../support/app-process';
import { TEST_ADMIN, testProcessEnv } from '../support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { dailyAt, oldRowsOf, seedOrders } from './support/fault-fixtures';

const TABLES = Array.from({ length: 10 }, (_, i) => `orders_${i + 1}`);
const ROWS = 3000;
/**
 * Seconds from now to the one scheduled tick: both instances are up and the policies saved by then.
 * A bound, not a measure: two ts-node boots at once on a loaded 2-core machine outlasted 45 s (the
 * other service tests give a boot up to 90 s).
 */
const TICK_IN_SECONDS = 90;

interface RunRow {
  id: number;
  table_name: string;
  status: string;
  trigger: string;
  rows_archived: string;
  started_at: string;
  finished_at: string | null;
}

describeMariaDb('two instances started together on one empty control database [mariadb]', () => {
  let databases: TestDatabases;
  let instances: AppProcess[] = [];

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    for (const table of TABLES) {
      await seedOrders(databases, ROWS, table);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await databases?.drop();
  });

  it('migrates once without an error in either log, and archives each policy of one scheduled tick exactly once', async () => {
    const tick = new Date(Date.now() + TICK_IN_SECONDS * 1000);
    const env = testProcessEnv(databases, {
      LOG_LEVEL: 'info',
      SCHEDULER_ENABLED: 'true',
      ARCHIVAL_JOB_CRON: dailyAt(tick),
      PURGE_JOB_CRON: '0 0 1 1 *',
    });
    instances = await Promise.all([startAppProcess(env, 60_000), startAppProcess(env, 60_000)]);

    const login = await request(instances[0].url).post('/api/v1/auth/login').send(TEST_ADMIN);
    const token = (login.body as { access_token: string }).access_token;
    for (const table of TABLES) {
      const saved = await request(instances[0].url)
        .post('/api/v1/policies')
        .set('Authorization', `Bearer ${token}`)
        .send({
          tableName: table,
          dateColumn: 'created_at',
          archiveAfterDays: 30,
          deleteAfterDays: 1000,
          batchSize: 200,
        });
      expect(saved.status).toBe(201);
    }
    expect(Date.now()).toBeLessThan(tick.getTime());

    // Each instance's tick goes over all ten policies: one run per policy archives, the other is skipped.
    const runs = await waitFor(
      'both ticks to have run every policy',
      async () => {
        const rows = await databases.control<RunRow>(
          "SELECT id, table_name, status, `trigger`, rows_archived, started_at, finished_at FROM job_runs WHERE `trigger` = 'schedule'",
        );
        return rows.length === 2 * TABLES.length && rows.every((row) => row.status !== 'running') && rows;
      },
      TICK_IN_SECONDS * 1000 + 120_000,
      500,
    );

    for (const table of TABLES) {
      const ofTable = runs.filter((run) => run.table_name === table);
      expect(ofTable.map((run) => run.status).sort()).toEqual(['skipped', 'succeeded']);
      expect(Number(ofTable.find((run) => run.status === 'succeeded')?.rows_archived)).toBe(oldRowsOf(ROWS));
      const [{ n: archived }] = await databases.archive<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
      expect(Number(archived)).toBe(oldRowsOf(ROWS));
      const [{ n: left }] = await databases.source<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 30 DAY`,
      );
      expect(Number(left)).toBe(0);
    }
    // Neither instance logged an error (the migrations ran once, under the lock, without a failed CREATE).
    const logs = instances.map((instance) => `${instance.stdout()}\n${instance.stderr()}`);
    for (const log of logs) {
      expect(log).not.toMatch(/"level":(50|60)/);
      expect(log).not.toMatch(/already exists/);
    }
    const [migrations] = await databases.control<{ n: number }>('SELECT COUNT(*) AS n FROM das_migrations');
    expect(Number(migrations.n)).toBeGreaterThan(0);
  }, 300_000);
});
