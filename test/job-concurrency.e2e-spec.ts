import { RunEvents } from '../src/runs/run-events';
import { ScheduledJobs } from '../src/scheduler/scheduled-jobs.service';
import { Caller, caller, contentEverywhere, createDatedTable, savePolicy } from './support/job-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

const TABLES = ['t_one', 't_two', 't_three', 't_four'];
const OLD_ROWS = 400;

/** JOB_CONCURRENCY: a scheduled tick runs up to that many policies at once, never more. */
describeEachEngine('JOB_CONCURRENCY in a scheduled tick', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    app = await startTestApp(databases, { JOB_CONCURRENCY: '2' });
    admin = caller(app, await app.adminToken());
    for (const table of TABLES) {
      await createDatedTable(databases, table, { old: OLD_ROWS, recent: 5 });
      await savePolicy(admin, table, { batchSize: 10 });
    }
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('runs two policies at a time (never more) and every policy once, each row exactly once', async () => {
    const before = await Promise.all(TABLES.map((table) => contentEverywhere(databases, table)));
    let running = 0;
    let most = 0;
    const stop = app.app.get(RunEvents).listen((event) => {
      if (event.kind === 'started') {
        most = Math.max(most, ++running);
      } else if (event.kind === 'finished' && event.run.status !== 'skipped') {
        running--;
      }
    });

    const runs = await app.app.get(ScheduledJobs).runAll('archive').finally(stop);

    expect(runs.map((run) => [run.tableName, run.status, run.rowsArchived])).toEqual(
      [...TABLES].sort().map((table) => [table, 'succeeded', OLD_ROWS]),
    );
    expect(most).toBe(2);
    const after = await Promise.all(TABLES.map((table) => contentEverywhere(databases, table)));
    expect(after).toEqual(before);
  });
});
