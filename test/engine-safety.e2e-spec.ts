import type { RowDataPacket } from 'mysql2';
import { ArchivalEngine } from '../src/archive/archival-engine';
import { useEngineDatabases } from './support/engine-databases';
import { EngineClients, policyFor } from './support/engine-fixtures';
import { Caller, caller, savePolicy, startRun, waitForRunEnd } from './support/job-fixtures';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabases, describeMariaDb, mysqlConnection, uncommittedCount } from './support/test-databases';
import { waitFor, withDeadline } from './support/wait-for';
import { startAppProcess } from './support/app-process';
import { TEST_ADMIN, testProcessEnv } from './support/test-app';

/**
 * Issue 22's repro: old rows interleave with young ones in key order, so that a batch's key list is
 * a large part of a small table. Keyed by a UUID string, or by an integer (which two batches in
 * flight at once also hung on: the cause was the delete's plan, not the key type).
 */
const ZOO_KEYS = {
  zoo_uuid: {
    type: 'CHAR(36) NOT NULL',
    value: "CONCAT(LPAD(HEX(seq),8,'0'),'-0000-4000-8000-',LPAD(HEX(seq*7919),12,'0'))",
  },
  zoo_int: { type: 'INT NOT NULL', value: 'seq * 2' },
} as const;
type ZooTable = keyof typeof ZOO_KEYS;

async function createZooTable(databases: TestDatabases, table: ZooTable, rows: number): Promise<void> {
  await databases.source(`DROP TABLE IF EXISTS ${table}`);
  await databases.archive(`DROP TABLE IF EXISTS ${table}`);
  await databases.source(
    `CREATE TABLE ${table} (id ${ZOO_KEYS[table].type} PRIMARY KEY,
       created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), data JSON) DEFAULT CHARSET=utf8mb4`,
  );
  await databases.source(
    `INSERT INTO ${table} SELECT ${ZOO_KEYS[table].value},
       UTC_TIMESTAMP(3) - INTERVAL (seq*17 % 700) DAY, JSON_OBJECT('n',seq) FROM seq_1_to_${rows}`,
  );
}

async function contentOf(databases: TestDatabases, where: 'source' | 'archive', table: string): Promise<string[]> {
  const rows = await databases[where]<{ id: string; created_at: string; data: string }>(
    `SELECT id, created_at, data FROM ${table} ORDER BY id`,
  );
  return rows.map((row) => `${row.id}|${row.created_at}|${row.data}`).sort();
}

describeMariaDb('engine safety [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  useTestApp('mysql', (started) => ({ databases, app } = started));
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
  });

  it.each(Object.keys(ZOO_KEYS) as ZooTable[])(
    'archives %s, whose old rows interleave with young ones (two batches in flight once hung on it, holding row locks)',
    async (table) => {
      await createZooTable(databases, table, 3000);
      const before = await contentOf(databases, 'source', table);
      const [{ n: qualifying }] = await databases.source<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE created_at < UTC_TIMESTAMP(3) - INTERVAL 180 DAY`,
      );
      await savePolicy(admin, table, { archiveAfterDays: 180, deleteAfterDays: 1000 });

      const runId = await startRun(admin, table, { job: 'archive' });
      const run = await waitForRunEnd(admin, runId, 60_000);

      expect(run).toMatchObject({ status: 'succeeded', rowsArchived: Number(qualifying), error: null });
      expect(run.details).toMatchObject({ transfer: 'server-side' });
      const archived = await contentOf(databases, 'archive', table);
      const remaining = await contentOf(databases, 'source', table);
      expect(archived).toHaveLength(Number(qualifying));
      expect([...archived, ...remaining].sort()).toEqual(before);
    },
  );
});

describeMariaDb('engine safety: two batches in flight never wait for each other [mariadb]', () => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases('mysql', (opened) => ({ databases, clients } = opened));

  it("lets batch 1's delete run after batch 2 has locked and deleted its rows, and finishes", async () => {
    await createZooTable(databases, 'zoo_int', 3000);
    const before = await contentOf(databases, 'source', 'zoo_int');
    const [{ n: total }] = await databases.source<{ n: number }>('SELECT COUNT(*) AS n FROM zoo_int');
    const run = new ArchivalEngine().run({
      policy: policyFor('zoo_int', { archiveAfterDays: 180, deleteAfterDays: 1000 }),
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 1000,
      transfer: 'server-side',
      hooks: {
        // Batch 1 waits, copied but not yet deleted, until batch 2 (on the other session) has
        // deleted its rows: its delete then runs while batch 2 holds those row locks.
        beforeVerify: async (batch) => {
          if (batch === 1) {
            await waitFor(
              'batch 2 to delete its rows',
              async () => (await uncommittedCount(databases.env.SOURCE_DB_URL, 'zoo_int')) <= Number(total) - 1000,
            );
          }
        },
      },
    });
    const result = await withDeadline(run, 30_000, 'the run to end');
    expect(result.stopReason).toBe('completed');
    const archived = await contentOf(databases, 'archive', 'zoo_int');
    const remaining = await contentOf(databases, 'source', 'zoo_int');
    expect(archived).toHaveLength(result.rows);
    expect([...archived, ...remaining].sort()).toEqual(before);
  });
});

/**
 * `busy`: rows 1..n, every third one young (5 days old), the others old (400 days): a batch's
 * locking read walks past young rows, which production keeps updating.
 */
async function createBusyTable(databases: TestDatabases, rows: number): Promise<void> {
  await databases.source('DROP TABLE IF EXISTS busy');
  await databases.archive('DROP TABLE IF EXISTS busy');
  await databases.source(
    'CREATE TABLE busy (id INT NOT NULL PRIMARY KEY, note VARCHAR(64), created_at DATETIME(6) NOT NULL, KEY (created_at))',
  );
  await databases.source(
    `INSERT INTO busy SELECT seq, CONCAT('row ', seq),
       UTC_TIMESTAMP(6) - INTERVAL IF(seq % 3 = 0, 5, 400) DAY FROM seq_1_to_${rows}`,
  );
}

const BUSY_POLICY = { archiveAfterDays: 30, deleteAfterDays: 1000 };

/** Content of `busy` in the source and the archive together, as sorted lines. */
async function busyEverywhere(databases: TestDatabases): Promise<string[]> {
  const lines: string[] = [];
  for (const where of ['source', 'archive'] as const) {
    const exists = await databases[where](
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'busy'",
    );
    if (exists.length > 0) {
      const rows = await databases[where]<{ id: number; note: string; created_at: string }>(
        'SELECT id, note, created_at FROM busy',
      );
      lines.push(...rows.map((row) => `${row.id}|${row.note}|${row.created_at}`));
    }
  }
  return lines.sort();
}

/** A production session holding a lock on one old row of `busy` in an open transaction. */
async function holdRowLock(
  databases: TestDatabases,
  id: number,
): Promise<{ threadId: number; release(): Promise<void> }> {
  const connection = await mysqlConnection(databases.env.SOURCE_DB_URL);
  await connection.query('BEGIN');
  await connection.query('SELECT id FROM busy WHERE id = ? FOR UPDATE', [id]);
  const [[row]] = await connection.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return {
    threadId: Number(row.id),
    release: async () => {
      await connection.query('ROLLBACK');
      await connection.end();
    },
  };
}

/**
 * Transactions open on the source server other than the given sessions' (DAS's, once a test is done:
 * none). InnoDB refreshes this view only when it was not read for 0.1 s: wait that long first.
 */
async function otherTransactions(databases: TestDatabases, except: number[]): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows = await databases.source<{ thread: number }>(
    'SELECT trx_mysql_thread_id AS thread FROM information_schema.INNODB_TRX',
  );
  return rows.filter((row) => !except.includes(Number(row.thread))).length;
}

describeMariaDb('engine safety: pauses between batches [mariadb]', () => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases('mysql', (opened) => ({ databases, clients } = opened));

  it.each(['server-side', 'copy'] as const)(
    'settles the batches in flight before a pause (nothing held), then goes on and moves every row once (%s)',
    async (transfer) => {
      await createBusyTable(databases, 6000);
      const before = await busyEverywhere(databases);
      let checks = 0;
      const heldDuringPause: number[] = [];
      const result = await new ArchivalEngine().run({
        policy: policyFor('busy', BUSY_POLICY),
        source: clients.source,
        archive: clients.archive,
        runId: 1,
        batchSize: 200,
        transfer,
        // Pauses once, at the fourth check, for one poll.
        throttle: {
          check: async () =>
            ++checks === 4
              ? { action: 'pause', reason: 'threads-running', message: 'busy', warnings: [] }
              : { action: 'go', warnings: [] },
        },
        onPause: (pause) => {
          if (pause) {
            void otherTransactions(databases, []).then((held) => heldDuringPause.push(held));
          }
        },
      });
      await waitFor('the check made during the pause', async () => heldDuringPause.length > 0);
      expect(heldDuringPause).toEqual([0]);
      expect(result).toMatchObject({ rows: 4000, stopReason: 'completed' });
      expect(result.details.pauses).toMatchObject({ 'threads-running': { count: 1 } });
      expect(await busyEverywhere(databases)).toEqual(before);
    },
  );
});

describeMariaDb('engine safety: production sessions beside a run [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  useTestApp('mysql', (started) => ({ databases, app } = started));
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
  });

  it.each([1, 2])(
    'lets production update rows just past the cutoff and insert new rows without waiting a second (%i lane(s))',
    async (lanes) => {
      await createBusyTable(databases, 30_000);
      await savePolicy(admin, 'busy', BUSY_POLICY);
      const production = await mysqlConnection(databases.env.SOURCE_DB_URL);
      // Any wait for a lock longer than a second fails the statement: the assertion is the server's.
      await production.query('SET SESSION innodb_lock_wait_timeout = 1');
      const runId = await startRun(admin, 'busy', { job: 'archive', batchSize: 100, lanes });
      const failures: string[] = [];
      let statements = 0;
      let nextId = 1_000_000 * lanes;
      let running = true;
      const traffic = (async () => {
        while (running) {
          const young = 3 * (1 + Math.floor(Math.random() * 10_000));
          const work: Array<[string, unknown[]]> = [
            ['UPDATE busy SET note = CONCAT(note, ?) WHERE id = ?', ['+', young]],
            ['INSERT INTO busy VALUES (?, ?, UTC_TIMESTAMP(6))', [nextId, `new ${nextId++}`]],
          ];
          for (const [sql, params] of work) {
            try {
              await production.query(sql, params);
              statements += 1;
            } catch (error) {
              failures.push((error as Error).message);
            }
          }
        }
      })();
      const run = await waitForRunEnd(admin, runId, 120_000);
      running = false;
      await traffic;
      await production.end();

      expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 20_000 });
      expect(failures).toEqual([]);
      // The traffic really ran beside the run (the run takes seconds; each statement a millisecond).
      expect(statements).toBeGreaterThan(20);
    },
  );
});

describeMariaDb('engine safety: a row lock held from outside [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  useTestApp('mysql', (started) => ({ databases, app } = started), { ARCHIVE_LOCK_WAIT_SECONDS: '1' });
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
  });

  it('retries the batch, then fails clearly naming the blocker; after the lock is released a rerun finishes and nothing is lost', async () => {
    await createBusyTable(databases, 3000);
    await savePolicy(admin, 'busy', BUSY_POLICY);
    const before = await busyEverywhere(databases);
    const lock = await holdRowLock(databases, 1501);
    let failed;
    try {
      const runId = await startRun(admin, 'busy', { job: 'archive', batchSize: 100 });
      failed = await waitForRunEnd(admin, runId, 60_000);
    } finally {
      await lock.release();
    }

    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      new RegExp(
        `^the batch of "busy" .* could not take its row locks in 4 attempts \\(Lock wait timeout exceeded.*\\); ` +
          `blocked by session ${lock.threadId} \\(root@[^)]+\\), holding \\d+ row locks, idle in its transaction\\. ` +
          'Each attempt was rolled back whole',
      ),
    );
    // Every batch before the blocked one committed; the blocked one changed nothing.
    expect(failed.rowsArchived).toBeGreaterThan(0);
    expect(failed.rowsArchived).toBeLessThan(2000);
    expect(await busyEverywhere(databases)).toEqual(before);

    const rerun = await waitForRunEnd(admin, await startRun(admin, 'busy', { job: 'archive', batchSize: 100 }));
    expect(rerun).toMatchObject({ status: 'succeeded', rowsArchived: 2000 - failed.rowsArchived });
    expect(await busyEverywhere(databases)).toEqual(before);
  });
});

describeMariaDb('engine safety: a run that stalls [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  // Each attempt waits 2 s for the lock and the four attempts take ~10 s: the watchdog ends it first.
  useTestApp('mysql', (started) => ({ databases, app } = started), {
    RUN_STALL_SECONDS: '6',
    ARCHIVE_LOCK_WAIT_SECONDS: '2',
    ARCHIVE_STATEMENT_TIMEOUT_SECONDS: '5',
  });
  beforeAll(async () => {
    admin = caller(app, await app.adminToken());
  });

  it('is failed by the watchdog after RUN_STALL_SECONDS without a committed batch, its batch rolled back', async () => {
    await createBusyTable(databases, 3000);
    await savePolicy(admin, 'busy', BUSY_POLICY);
    const before = await busyEverywhere(databases);
    const lock = await holdRowLock(databases, 1);
    try {
      const run = await waitForRunEnd(admin, await startRun(admin, 'busy', { job: 'archive', batchSize: 100 }), 60_000);
      expect(run).toMatchObject({ status: 'failed', rowsArchived: 0 });
      expect(run.error).toMatch(
        /^stopped after 0 batches: no batch committed for 6 s \(RUN_STALL_SECONDS\); the batch in flight was rolled back/,
      );
      // DAS's transaction is gone at once (its session was killed), not when its lock wait ran out.
      expect(await otherTransactions(databases, [lock.threadId])).toBe(0);
    } finally {
      await lock.release();
    }
    expect(await busyEverywhere(databases)).toEqual(before);
  });
});

describeMariaDb('engine safety: SIGTERM during a hung batch [mariadb]', () => {
  let databases: TestDatabases;
  useEngineDatabases('mysql', (opened) => ({ databases } = opened));

  it('exits within SHUTDOWN_GRACE_SECONDS + 5 s, recording the run as stopped with its batch rolled back', async () => {
    const grace = 3;
    await createBusyTable(databases, 3000);
    const before = await busyEverywhere(databases);
    const service = await startAppProcess(
      testProcessEnv(databases, {
        SCHEDULER_ENABLED: 'false',
        SHUTDOWN_GRACE_SECONDS: String(grace),
        // The batch would wait for its lock far longer than the grace period.
        ARCHIVE_LOCK_WAIT_SECONDS: '100',
      }),
    );
    const lock = await holdRowLock(databases, 1);
    try {
      const token = await loginTo(service.url);
      const as = { get: (path: string) => fetchJson(service.url, path, token) };
      const started = await fetch(`${service.url}/api/v1/policies`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ tableName: 'busy', dateColumn: 'created_at', ...BUSY_POLICY }),
      });
      expect(started.status).toBe(201);
      const run = await fetch(`${service.url}/api/v1/policies/busy/run`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ job: 'archive' }),
      });
      expect(run.status).toBe(202);
      const { runId } = (await run.json()) as { runId: number };
      // InnoDB refreshes INNODB_TRX only when it was not read for 0.1 s: poll slower than that.
      await waitFor(
        'the run to wait for the lock',
        async () => {
          const waiting = await databases.source(
            "SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'",
          );
          return waiting.length > 0;
        },
        20_000,
        250,
      );
      expect((await as.get(`/api/v1/runs/${runId}`)).status).toBe('running');

      const exit = await withDeadline(service.stop(), (grace + 5) * 1000, 'the service to exit after SIGTERM');

      // Nest re-raises the signal once its shutdown hooks are done.
      expect(exit.signal).toBe('SIGTERM');
      const [record] = await databases.control<{ status: string; error: string }>(
        'SELECT status, error FROM job_runs WHERE id = ?',
        [runId],
      );
      expect(record.status).toBe('stopped');
      expect(record.error).toMatch(
        new RegExp(
          `the service is shutting down and the batch did not finish within SHUTDOWN_GRACE_SECONDS \\(${grace} s\\); the batch in flight was rolled back`,
        ),
      );
      expect(await databases.control('SELECT * FROM job_leases')).toEqual([]);
      expect(await otherTransactions(databases, [lock.threadId])).toBe(0);
    } finally {
      await lock.release();
      await service.stop();
    }
    expect(await busyEverywhere(databases)).toEqual(before);
  });
});

async function loginTo(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(TEST_ADMIN),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function fetchJson(url: string, path: string, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as Record<string, unknown>;
}
