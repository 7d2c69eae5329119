import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledCli, compileCli } from '../support/compiled-cli';
import { caller, savePolicy } from '../support/job-fixtures';
import { startTestApp } from '../support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { everywhere, keysInBoth, oldRowsOf, seedOrders } from './support/fault-fixtures';

const ROWS = 500_000;
const KILLS = 20;
/** Short, so that the next run takes over a killed run's lease within seconds. */
const LEASE_TTL_SECONDS = 2;

/** A random integer in [min, max]. */
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

describeMariaDb('kill -9 loop: the CLI archiver killed at random moments [mariadb]', () => {
  let databases: TestDatabases;
  let cli: CompiledCli;

  beforeAll(async () => {
    [databases, cli] = await Promise.all([createTestDatabases('mysql'), compileCli()]);
    await seedOrders(databases, ROWS);
    // The policy is saved as an admin would, through the service (which also migrates the control database).
    const app = await startTestApp(databases);
    try {
      await savePolicy(caller(app, await app.adminToken()), 'orders', { archiveAfterDays: 30, deleteAfterDays: 1000 });
    } finally {
      await app.close();
    }
  }, 180_000);

  afterAll(async () => {
    cli?.remove();
    await databases?.drop();
  });

  it(`loses and duplicates nothing over ${KILLS} kills of a live run with random batch sizes`, async () => {
    const before = await everywhere(databases);
    const env = { ...databases.env, JOB_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS), LOG_LEVEL: 'error' };
    let kills = 0;
    let attempts = 0;
    const killedAt: number[] = [];
    while (kills < KILLS) {
      attempts += 1;
      expect(attempts).toBeLessThan(KILLS * 4);
      const batch = between(50, 3000);
      const running = cli.start(
        ['archive:run', 'orders', '--batch-size', String(batch), '--sleep', String(between(0, 4))],
        {
          env,
          timeoutMs: 120_000,
        },
      );
      // Live: its first batch has committed (the first progress line is printed at once).
      const live = await Promise.race([
        waitFor('the first progress line', async () => /archive orders: \d+/.test(running.stdout()), 60_000, 20).then(
          () => true,
        ),
        running.exited.then(() => false),
      ]);
      if (!live) {
        const ended = await running.exited;
        // Skipped (exit 3): the lease of the run killed before has not lapsed yet; try again.
        expect([3]).toContain(ended.code);
        await sleep(500);
        continue;
      }
      await sleep(between(0, 600));
      running.child.kill('SIGKILL');
      const ended = await running.exited;
      if (ended.signal === 'SIGKILL') {
        kills += 1;
        killedAt.push(Number(/archive orders: (\d+)/.exec(ended.stdout)?.[1] ?? 0));
      }
      await sleep(LEASE_TTL_SECONDS * 1000);
    }
    // Killed runs left most of the table to do: each kill landed in a live run, not at its end.
    expect(kills).toBe(KILLS);

    const final = await cli.run(['archive:run', 'orders', '--batch-size', '1000'], { env, timeoutMs: 300_000 });

    expect(final.code).toBe(0);
    expect(final.stdout).toMatch(/^succeeded: \d+ rows archived/m);
    expect(await everywhere(databases)).toEqual(before);
    const [{ n: archived }] = await databases.archive<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(archived)).toBe(oldRowsOf(ROWS));
    expect(await keysInBoth(databases)).toBe(0);
    process.stdout.write(`kill -9 loop: ${kills} kills in ${attempts} attempts, at rows ${killedAt.join(', ')}\n`);
    // Every killed run's record was closed when the next run took over its lease.
    const runs = await databases.control<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM job_runs GROUP BY status',
    );
    expect(runs.find((row) => row.status === 'running')).toBeUndefined();
  }, 600_000);
});
