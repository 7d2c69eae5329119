import { Checksum, checksumOf, dailyAt, oldRowsOf, seedTables, sumOf } from '../faults/support/fault-fixtures';
import { queueEnv } from '../support/queue-cluster';
import { useQueueFixture } from '../support/queue-fixture';
import { describeQueue } from '../support/redis-test-server';
import { waitFor } from '../support/wait-for';

const TABLES = Array.from({ length: 20 }, (_, i) => `orders_${String(i + 1).padStart(2, '0')}`);
const ROWS = 3000;
/**
 * Seconds from now to the one scheduled tick: two API instances and three workers are up and the
 * twenty policies saved by then. A bound, not a measure (ts-node boots on a loaded 2-core machine).
 */
const TICK_IN_SECONDS = 180;

interface RunRow {
  id: number;
  table_name: string;
  status: string;
  rows_archived: string;
}

describeQueue('queue mode: two API instances, three workers, twenty policies on one tick [mariadb, redis]', () => {
  let before: Map<string, Checksum>;
  const fixture = useQueueFixture(async ({ databases }) => {
    before = await seedTables(databases, TABLES, ROWS);
  }, 180_000);
  const { cluster } = fixture;

  it('enqueues the tick once, archives every policy exactly once, and spreads the runs over the workers', async () => {
    const tick = new Date(Date.now() + TICK_IN_SECONDS * 1000);
    const env = queueEnv(fixture.databases, fixture.redis, {
      SCHEDULER_ENABLED: 'true',
      ARCHIVAL_JOB_CRON: dailyAt(tick),
      PURGE_JOB_CRON: '0 0 1 1 *',
      JOB_CONCURRENCY: '2',
    });
    // Both API instances set the same job scheduler; neither executes a job (APP_ROLE=api).
    await cluster.startApis(2, env);
    await cluster.startWorkers(3, env);
    for (const table of TABLES) {
      await cluster.savePolicy(table, { batchSize: 100 });
    }
    expect(Date.now()).toBeLessThan(tick.getTime());

    const runs = await waitFor(
      'the tick to have run every policy',
      async () => {
        const rows = await fixture.databases.control<RunRow>(
          "SELECT id, table_name, status, rows_archived FROM job_runs WHERE `trigger` = 'schedule'",
        );
        return rows.length >= TABLES.length && rows.every((row) => row.status !== 'running') && rows;
      },
      TICK_IN_SECONDS * 1000 + 240_000,
      500,
    );

    // One tick, one run per policy: neither the second API instance nor any worker added one.
    expect(runs).toHaveLength(TABLES.length);
    for (const table of TABLES) {
      const [run] = runs.filter((row) => row.table_name === table);
      expect(run).toMatchObject({ status: 'succeeded' });
      expect(Number(run.rows_archived)).toBe(oldRowsOf(ROWS));
      // Nothing lost, nothing doubled: source and archive together hold exactly the rows of before.
      const now = sumOf(
        await checksumOf(fixture.databases.source, table),
        await checksumOf(fixture.databases.archive, table),
      );
      expect(now).toEqual(before.get(table));
      const [{ n: left }] = await fixture.databases.source<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 30 DAY`,
      );
      expect(Number(left)).toBe(0);
    }

    // Which worker executed which run: the executing process logs how each run ended.
    const spread = cluster.workers.map((worker) =>
      runs.filter((run) => worker.stdout().includes(`Run ${run.id} (archive ${run.table_name}, schedule) succeeded`)),
    );
    process.stdout.write(
      `\n[scale] 20 policies over 3 workers: ${spread.map((ran, i) => `worker ${i + 1} (pid ${cluster.workers[i].pid}): ${ran.length}`).join(', ')}\n`,
    );
    expect(spread.reduce((total, ran) => total + ran.length, 0)).toBe(TABLES.length);
    for (const ran of spread) {
      expect(ran.length).toBeGreaterThan(0);
    }
    for (const api of cluster.apis) {
      expect(api.stdout()).not.toMatch(/Run \d+ \(archive orders_\d+, schedule\) succeeded/);
    }
  }, 900_000);
});
