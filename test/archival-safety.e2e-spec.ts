import { useEngineDatabases } from './support/engine-databases';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ArchivalEngine, ArchivalRunOptions, TransferMode } from '../src/archive/archival-engine';
import { openSqlClient } from '../src/database/open-sql-client';
import { EngineClients, daysAgo, policyFor, tableContent, recreateSourceTable } from './support/engine-fixtures';
import Database from 'better-sqlite3';
import type { ResultSetHeader } from 'mysql2';
import {
  TestDatabases,
  TestEngine,
  describeEachEngine,
  describeMariaDb,
  mysqlConnection,
  uncommittedCount,
} from './support/test-databases';
import { waitFor } from './support/wait-for';

const COLUMNS = ['id', 'note', 'amount', 'created_at'];
const ROWS = 1000;
const OLD_ROWS = 800;

/** orders: ids 1..800 are old, 801..1000 recent. */
async function seedOrders(databases: TestDatabases, table = 'orders'): Promise<void> {
  await recreateSourceTable(databases, table, {
    mysql: `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, note VARCHAR(64), amount DECIMAL(10,2), created_at DATETIME(6) NOT NULL) ENGINE=InnoDB`,
    sqlite: `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, note TEXT, amount DECIMAL(10,2), created_at DATETIME NOT NULL)`,
  });
  const values: unknown[] = [];
  for (let id = 1; id <= ROWS; id++) {
    values.push(id, `note ${id} 📦`, (id * 1.25).toFixed(2), daysAgo(id <= OLD_ROWS ? 90 : 2));
  }
  await databases.source(`INSERT INTO ${table} VALUES ${new Array(ROWS).fill('(?, ?, ?, ?)').join(', ')}`, values);
}

async function count(sql: TestDatabases['source'], query: string): Promise<number> {
  const [row] = await sql<{ n: unknown }>(query);
  return Number(row.n);
}

/** A separate connection playing production traffic; `update` reports what happened to the statement. */
async function productionConnection(
  databases: TestDatabases,
): Promise<{ update(sql: string): Promise<string>; close(): Promise<void> }> {
  if (databases.engine === 'mysql') {
    const connection = await mysqlConnection(databases.env.SOURCE_DB_URL);
    return {
      update: async (sql) => {
        const [header] = await connection.query<ResultSetHeader>(sql);
        return `changed ${header.affectedRows} rows`;
      },
      close: () => connection.end(),
    };
  }
  const db = new Database(databases.env.SOURCE_DB_URL.slice('sqlite:'.length), { timeout: 100 });
  return {
    update: async (sql) => {
      try {
        return `changed ${db.prepare(sql).run().changes} rows`;
      } catch (error) {
        return `refused: ${(error as Error).message}`;
      }
    },
    close: async () => {
      db.close();
    },
  };
}

/**
 * Runs the archival engine in a child process that SIGKILLs itself at `hook` of batch 3 (of the
 * first lane to get there); returns how the child ended.
 */
function archiveAndCrash(databases: TestDatabases, transfer: TransferMode, hook: string, lanes = 1): Promise<string> {
  const worker = join(__dirname, 'support', 'crash-worker.ts');
  const args = [
    databases.env.SOURCE_DB_URL,
    databases.env.ARCHIVE_DB_URL,
    'orders',
    transfer,
    hook,
    '3',
    String(lanes),
  ];
  return promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', worker, ...args], {
    cwd: join(__dirname, '..'),
  }).then(
    () => 'exited normally',
    (error: { signal?: string; stdout?: string; stderr?: string }) => `${error.signal} ${error.stdout} ${error.stderr}`,
  );
}

/** Archives `orders` with `options`: what most tests here run. */
function archiveOrders(clients: EngineClients, options: Omit<ArchivalRunOptions, 'policy' | 'source' | 'archive'>) {
  return new ArchivalEngine().run({
    policy: policyFor('orders'),
    source: clients.source,
    archive: clients.archive,
    ...options,
  });
}

/** A run stopped before its first batch: the archive table of `orders` exists, no row moved. */
async function createArchiveTable(clients: EngineClients): Promise<void> {
  await archiveOrders(clients, { runId: 1, batchSize: 10, maxRuntimeMs: 0 });
}

function transfersOf(engine: TestEngine): TransferMode[] {
  return engine === 'mysql' ? ['copy', 'server-side'] : ['copy'];
}

describeEachEngine('archival safety', (engine) => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases(engine, (opened) => ({ databases, clients } = opened));

  /** A rerun after a crash archives what is left: every old row archived once, the rest in place, nothing changed. */
  async function expectRerunFinishes(original: string[], transfer: TransferMode, lanes = 1): Promise<void> {
    const rerun = await archiveOrders(clients, {
      runId: 2,
      batchSize: 100,
      transfer,
      lanes,
    });
    expect(rerun.stopReason).toBe('completed');
    const archived = await tableContent(databases.archive, 'orders', COLUMNS, engine);
    const remaining = await tableContent(databases.source, 'orders', COLUMNS, engine);
    expect(archived).toHaveLength(OLD_ROWS);
    expect(remaining).toHaveLength(ROWS - OLD_ROWS);
    expect([...archived, ...remaining].sort()).toEqual(original);
  }

  describe.each(transfersOf(engine))('with %s transfer', (transfer) => {
    it.each(['afterArchiveCommit', 'afterRead', 'beforeVerify'])(
      'loses and duplicates nothing when the process is killed at %s, and a rerun finishes the job',
      async (hook) => {
        await seedOrders(databases);
        const original = await tableContent(databases.source, 'orders', COLUMNS, engine);

        expect(await archiveAndCrash(databases, transfer, hook)).toMatch(/^SIGKILL crashing at/);

        // Right after the crash, before any repair: every row is still somewhere, and a row that is
        // in both places has the same content in both.
        const sourceNow = await tableContent(databases.source, 'orders', COLUMNS, engine);
        const archiveNow = await tableContent(databases.archive, 'orders', COLUMNS, engine);
        expect([...new Set([...sourceNow, ...archiveNow])].sort()).toEqual(original);
        const inBoth = async () => {
          const archived = new Set(await tableContent(databases.archive, 'orders', ['id'], engine));
          return (await tableContent(databases.source, 'orders', ['id'], engine)).filter((id) => archived.has(id))
            .length;
        };
        if (hook === 'afterArchiveCommit' && transfer === 'copy') {
          // The crash hit the window between the two commits: batch 3 is in both places.
          expect(archiveNow).toHaveLength(300);
          expect(await inBoth()).toBe(100);
        } else if (transfer === 'server-side') {
          // One transaction per batch: whole batches moved, none in both places. The next batch moves
          // on a second session as soon as the current one's keys are locked, and each commits on its
          // own: killed in batch 3, batch 2 may not have committed yet, and batch 4 (begun once batch
          // 2 was returned) may have; batch 1 has.
          expect(archiveNow.length % 100).toBe(0);
          expect(archiveNow.length).toBeGreaterThanOrEqual(100);
          expect(archiveNow.length).toBeLessThanOrEqual(hook === 'afterRead' ? 200 : 300);
          expect(await inBoth()).toBe(0);
        } else {
          // Batch 3 is read while earlier batches still commit (read-ahead, pipelining): the archive
          // holds whole batches, at most the two before it.
          expect(archiveNow.length % 100).toBe(0);
          expect(archiveNow.length).toBeLessThanOrEqual(200);
        }

        await expectRerunFinishes(original, transfer);
        expect(await inBoth()).toBe(0);
      },
    );

    it('fails the batch when the archive alters a value, deleting nothing', async () => {
      await seedOrders(databases);
      // Create the archive table, then make it corrupt what it receives.
      await createArchiveTable(clients);
      await databases.archive(
        engine === 'mysql'
          ? "CREATE TRIGGER corrupt BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = CONCAT(NEW.note, '!')"
          : "CREATE TRIGGER corrupt AFTER INSERT ON orders BEGIN UPDATE orders SET note = note || '!' WHERE id = NEW.id; END",
      );
      const original = await tableContent(databases.source, 'orders', COLUMNS, engine);
      await expect(
        archiveOrders(clients, {
          runId: 1,
          batchSize: 100,
          transfer,
        }),
      ).rejects.toThrow(
        /verification failed: (the archive copy of 100 rows differs from the source|only 0 of 100 archived rows are identical to the source rows).*nothing was deleted/,
      );
      expect(await tableContent(databases.source, 'orders', COLUMNS, engine)).toEqual(original);
      expect(await count(databases.archive, 'SELECT COUNT(*) AS n FROM orders')).toBe(0);
      await databases.archive('DROP TRIGGER corrupt');
    });
  });

  it('does not lose a concurrent update of a row whose batch is in flight', async () => {
    await seedOrders(databases);
    const production = await productionConnection(databases);
    let update: Promise<string> | undefined;
    await archiveOrders(clients, {
      runId: 3,
      batchSize: 100,
      hooks: {
        afterRead: async (batch) => {
          if (batch === 1) {
            // Production updates row 5 while the batch holding it is between read and delete.
            update = production.update("UPDATE orders SET note = 'changed' WHERE id = 5");
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
        },
      },
    });
    const outcome = await update;
    await production.close();
    const [archived] = await databases.archive<{ note: string }>('SELECT note FROM orders WHERE id = 5');
    expect(archived.note).toBe('note 5 📦');
    expect(await count(databases.source, 'SELECT COUNT(*) AS n FROM orders WHERE id = 5')).toBe(0);
    // The update did not silently change a row already copied: MariaDB's row lock made it wait for
    // the batch, after which it found no row (0 rows changed, which the application sees);
    // SQLite's write lock refused it outright.
    expect(outcome).toBe(engine === 'mysql' ? 'changed 0 rows' : 'refused: database is locked');
  });

  // Lanes need a server that takes several writers (MySQL/MariaDB): SQLite runs one lane.
  if (engine === 'mysql') {
    it.each(transfersOf(engine))(
      'loses and duplicates nothing when a run working two lanes at once is killed (%s), and a rerun finishes the job',
      async (transfer) => {
        await seedOrders(databases);
        const original = await tableContent(databases.source, 'orders', COLUMNS, engine);
        expect(await archiveAndCrash(databases, transfer, 'afterArchiveCommit', 2)).toMatch(/^SIGKILL crashing at/);

        // Every row is somewhere, and a row in both places has the same content in both.
        const sourceNow = await tableContent(databases.source, 'orders', COLUMNS, engine);
        const archiveNow = await tableContent(databases.archive, 'orders', COLUMNS, engine);
        expect([...new Set([...sourceNow, ...archiveNow])].sort()).toEqual(original);
        expect(archiveNow.length).toBeGreaterThanOrEqual(200);

        await expectRerunFinishes(original, transfer, 2);
      },
    );
  }

  it.each(transfersOf(engine))(
    'archives around rows a foreign key still references, fails the run with a clear message and loses nothing (%s)',
    async (transfer) => {
      const mysql = engine === 'mysql';
      await databases.source('DROP TABLE IF EXISTS invoices');
      await seedOrders(databases);
      await databases.source(
        mysql
          ? 'CREATE TABLE invoices (id INT PRIMARY KEY, order_id BIGINT NOT NULL, FOREIGN KEY (order_id) REFERENCES orders (id)) ENGINE=InnoDB'
          : 'CREATE TABLE invoices (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id))',
      );
      await databases.source('INSERT INTO invoices VALUES (1, 150), (2, 151), (3, 777)');
      const original = await tableContent(databases.source, 'orders', COLUMNS, engine);

      const result = await archiveOrders(clients, {
        runId: 4,
        batchSize: 100,
        transfer,
      });
      expect(result.problem).toMatch(
        /3 rows of "orders" were not archived because rows of other tables still reference them/,
      );
      expect(result.details.blockedKeys).toEqual([['150'], ['151'], ['777']]);
      expect(result.rows).toBe(OLD_ROWS - 3);

      const archived = await tableContent(databases.archive, 'orders', COLUMNS, engine);
      const remaining = await tableContent(databases.source, 'orders', COLUMNS, engine);
      expect(archived).toHaveLength(OLD_ROWS - 3);
      expect([...archived, ...remaining].sort()).toEqual(original);
      await databases.source('DROP TABLE invoices');
    },
  );
});

// Both paths overlap batches on several sessions. The copy path (src/archive/transfer/copy-mover.ts): between
// two MySQL/MariaDB databases batch N+1 is written and deleted while batch N is verified and
// commits. The server-side path (src/archive/transfer/server-side-mover.ts): batch N+1 is locked, copied,
// verified and deleted on a second session while batch N is.
describeMariaDb('archival safety of overlapped batches', () => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases('mysql', (opened) => ({ databases, clients } = opened));

  /**
   * Where each path has batch 3 under way while batch 2 is held: the copy path writes and deletes it
   * while batch 2 commits (both of batch 2's sides done), and rolls it back when the run stops there
   * (it commits only after batch 2); the server-side path copies, verifies, deletes and commits it
   * while batch 2 waits for its verification (batch 2 copied, not yet deleted): the two are
   * independent transactions, and the run counts batch 3 when it stops.
   */
  const OVERLAPS = [
    { transfer: 'copy', hook: 'afterArchiveCommit', source: ROWS - 300, committedWhileHeld: 200, moved: 200 },
    { transfer: 'server-side', hook: 'beforeVerify', source: ROWS - 200, committedWhileHeld: 200, moved: 300 },
  ] as const;

  it.each(OVERLAPS)(
    'moves batch 3 while batch 2 is held at $hook ($transfer); a run stopped there has moved $moved rows, whole batches',
    async ({ transfer, hook, source, committedWhileHeld, moved }) => {
      await seedOrders(databases);
      const original = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
      const stop = new AbortController();
      let seenWhileHeld = { archive: 0, source: 0, committed: 0 };
      const result = await archiveOrders(clients, {
        runId: 5,
        batchSize: 100,
        transfer,
        signal: stop.signal,
        onBatch: ({ batches }) => {
          if (batches === 2) {
            stop.abort();
          }
        },
        hooks: {
          [hook]: async (batch: number) => {
            if (batch !== 2) {
              return;
            }
            // Batch 3's copy and delete are in flight: wait until they show (and, on one server,
            // until batch 3 has committed while batch 2 is still held: nothing makes it wait).
            seenWhileHeld = await waitFor(
              "batch 3's copy and delete while batch 2 is held",
              async () => {
                const seen = {
                  archive: await uncommittedCount(databases.env.ARCHIVE_DB_URL, 'orders'),
                  source: await uncommittedCount(databases.env.SOURCE_DB_URL, 'orders'),
                  committed: await count(databases.archive, 'SELECT COUNT(*) AS n FROM orders'),
                };
                return seen.archive === 300 && seen.source === source && seen.committed === committedWhileHeld && seen;
              },
              1000,
              20,
            );
          },
        },
      });
      expect(seenWhileHeld).toEqual({ archive: 300, source, committed: committedWhileHeld });
      expect(result.stopReason).toBe('aborted');
      expect(result.rows).toBe(moved);

      const archived = await tableContent(databases.archive, 'orders', COLUMNS, 'mysql');
      const remaining = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
      expect(archived).toHaveLength(moved);
      expect(remaining).toHaveLength(ROWS - moved);
      expect([...archived, ...remaining].sort()).toEqual(original);
    },
  );

  it('writes the next batch while the current one is still being verified, and moves every row once', async () => {
    await seedOrders(databases);
    const original = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
    let archivedWhileVerifying = 0;
    const result = await archiveOrders(clients, {
      runId: 7,
      batchSize: 100,
      transfer: 'copy',
      hooks: {
        beforeVerify: async (batch) => {
          if (batch !== 2) {
            return;
          }
          // Batch 2's copy is written, not yet verified: batch 3 is written on the other archive
          // session meanwhile, so its rows show up (uncommitted) before batch 2's check goes on.
          archivedWhileVerifying = await waitFor(
            "batch 3's uncommitted copy while batch 2 is verified",
            async () => {
              const archived = await uncommittedCount(databases.env.ARCHIVE_DB_URL, 'orders');
              return archived === 300 && archived;
            },
            1000,
            20,
          );
        },
      },
    });
    expect(archivedWhileVerifying).toBe(300);
    expect(result.stopReason).toBe('completed');
    expect(result.rows).toBe(OLD_ROWS);
    const archived = await tableContent(databases.archive, 'orders', COLUMNS, 'mysql');
    const remaining = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
    expect(archived).toHaveLength(OLD_ROWS);
    expect([...archived, ...remaining].sort()).toEqual(original);
  });

  it.each([
    ['copy', /verification failed: the archive copy of 100 rows differs from the source.*nothing was deleted/],
    [
      'server-side',
      /verification failed: only 50 of 100 archived rows are identical to the source rows; nothing was deleted/,
    ],
  ] as const)(
    'fails the run when the batch behind the current one fails, after the current one committed, losing nothing (%s)',
    async (transfer, failure) => {
      await seedOrders(databases);
      await createArchiveTable(clients);
      // Rows of batch 3 on are altered by the archive: batches 1 and 2 verify, batch 3 (under way
      // while batch 2 finishes) does not.
      await databases.archive(
        "CREATE TRIGGER corrupt_late BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = IF(NEW.id > 250, CONCAT(NEW.note, '!'), NEW.note)",
      );
      const original = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
      const committed: number[] = [];
      await expect(
        archiveOrders(clients, {
          runId: 6,
          batchSize: 100,
          transfer,
          onBatch: ({ batches }) => {
            committed.push(batches);
          },
        }),
      ).rejects.toThrow(failure);
      expect(committed).toEqual([1, 2]);
      const archived = await tableContent(databases.archive, 'orders', COLUMNS, 'mysql');
      const remaining = await tableContent(databases.source, 'orders', COLUMNS, 'mysql');
      expect(archived).toHaveLength(200);
      expect([...archived, ...remaining].sort()).toEqual(original);
      await databases.archive('DROP TRIGGER corrupt_late');
    },
  );

  /** The test database's URL with a pool of `size` connections. */
  function withPoolSize(url: string, size: number): string {
    const parsed = new URL(url);
    parsed.searchParams.set('connectionLimit', String(size));
    return parsed.toString();
  }

  it.each([
    ['four runs at once share pools of four connections', 4, 4],
    ['a run whose source pool has two connections', 2, 1],
  ])('finishes without waiting for ever when %s', async (_title, poolSize, runs) => {
    const tables = ['orders_a', 'orders_b', 'orders_c', 'orders_d'].slice(0, runs);
    const originals = new Map<string, string[]>();
    for (const table of tables) {
      await seedOrders(databases, table);
      originals.set(table, await tableContent(databases.source, table, COLUMNS, 'mysql'));
    }
    const source = await openSqlClient('source', withPoolSize(databases.env.SOURCE_DB_URL, poolSize));
    const archive = await openSqlClient('archive', withPoolSize(databases.env.ARCHIVE_DB_URL, poolSize));
    try {
      const results = await Promise.all(
        tables.map((table, index) =>
          new ArchivalEngine().run({
            policy: policyFor(table),
            source: source.client,
            archive: archive.client,
            runId: 10 + index,
            batchSize: 100,
            transfer: 'copy',
          }),
        ),
      );
      expect(results.map((result) => [result.stopReason, result.rows])).toEqual(
        tables.map(() => ['completed', OLD_ROWS]),
      );
    } finally {
      await source.close();
      await archive.close();
    }
    for (const table of tables) {
      const archived = await tableContent(databases.archive, table, COLUMNS, 'mysql');
      const remaining = await tableContent(databases.source, table, COLUMNS, 'mysql');
      expect(archived).toHaveLength(OLD_ROWS);
      expect([...archived, ...remaining].sort()).toEqual(originals.get(table));
      await databases.source(`DROP TABLE ${table}`);
      await databases.archive(`DROP TABLE ${table}`);
    }
  });

  it.each(['copy', 'server-side'] as const)(
    'holds no lock on the next batch while a throttled run pauses between batches (%s)',
    async (transfer) => {
      await seedOrders(databases);
      const production = await mysqlConnection(databases.env.SOURCE_DB_URL);
      await production.query('SET SESSION innodb_lock_wait_timeout = 1');
      const stop = new AbortController();
      let outcome = '';
      await archiveOrders(clients, {
        runId: 7,
        batchSize: 100,
        transfer,
        sleepBetweenBatchesMs: 2000,
        signal: stop.signal,
        onBatch: async ({ batches }) => {
          if (batches !== 1) {
            return;
          }
          // A read-ahead would have locked batch 2 by now, and kept it locked through the pause.
          await new Promise((resolve) => setTimeout(resolve, 200));
          try {
            const [header] = await production.query<ResultSetHeader>(
              "UPDATE orders SET note = 'paused' WHERE id = 150",
            );
            outcome = `changed ${header.affectedRows} rows`;
          } catch (error) {
            outcome = (error as Error).message;
          }
          stop.abort();
        },
      });
      await production.end();
      expect(outcome).toBe('changed 1 rows');
    },
  );
});
