import { SqlSession } from '../database/sql-client';
import { PurgeBatchStatements, PurgeBatches } from './purge-batches';

/**
 * The scheduling of purge statements over two sessions, with sessions that record what they are
 * sent. What the statements do to a real table is tested against MariaDB and SQLite in
 * test/purge-engine.e2e-spec.ts.
 */
describe('PurgeBatches', () => {
  /** Expired keys 1..10; batch ends are found from these, deletes are only recorded. */
  const EXPIRED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  const statements: PurgeBatchStatements = {
    batchEnd: (after, limit) => ({ sql: 'find', params: [after?.[0] ?? null, limit] }),
    deleteExpired: (after, end) => ({ sql: 'delete', params: [after?.[0] ?? null, end[0]] }),
  };

  let log: string[];
  /** Deletes wait for release(), to see what runs while a delete is in flight. */
  let pendingDeletes: Array<() => void>;

  beforeEach(() => {
    log = [];
    pendingDeletes = [];
  });

  function session(name: string): SqlSession {
    const fake = {
      queryArrays: async (_sql: string, params: readonly unknown[]) => {
        const [after, limit] = params as [number | null, number];
        log.push(`${name}: find after ${after}`);
        const rest = EXPIRED.filter((key) => after === null || key > after).slice(0, limit);
        return rest.length ? [[rest[rest.length - 1]]] : [];
      },
      execute: (_sql: string, params: readonly unknown[]) => {
        const [after, end] = params as [number | null, number];
        log.push(`${name}: delete (${after}, ${end}]`);
        return new Promise((resolve) => {
          pendingDeletes.push(() => {
            log.push(`${name}: deleted (${after}, ${end}]`);
            resolve({ affectedRows: EXPIRED.filter((key) => (after === null || key > after) && key <= end).length });
          });
        });
      },
    };
    return fake as unknown as SqlSession;
  }

  /** Lets every delete sent so far finish, once the microtasks in flight have run. */
  async function releaseDeletes(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    pendingDeletes.splice(0).forEach((release) => release());
  }

  it('finds the next batch end on the finder while the current delete runs, and uses it for the next batch', async () => {
    const batches = new PurgeBatches(statements, session('deleter'), session('finder'));

    const first = batches.next(null, 4);
    await releaseDeletes();
    const firstStep = await first;
    expect(firstStep).toEqual({ rows: 4, lastKey: [4] });
    // The finder was asked for batch 2's end before batch 1's delete finished.
    expect(log).toEqual([
      'deleter: find after null',
      'finder: find after 4',
      'deleter: delete (null, 4]',
      'deleter: deleted (null, 4]',
    ]);

    log = [];
    const second = batches.next(firstStep!.lastKey, 4);
    await releaseDeletes();
    const secondStep = await second;
    expect(secondStep).toEqual({ rows: 4, lastKey: [8] });
    // No find on the deleter: batch 2's end was found ahead.
    expect(log).toEqual(['finder: find after 8', 'deleter: delete (4, 8]', 'deleter: deleted (4, 8]']);

    const third = batches.next(secondStep!.lastKey, 4);
    await releaseDeletes();
    expect(await third).toEqual({ rows: 2, lastKey: [10] });
    expect(await batches.next([10], 4)).toBeNull();
    await batches.close();
  });

  it('finds the end again, on the deleter, when a batch is retried after an older key', async () => {
    const batches = new PurgeBatches(statements, session('deleter'), session('finder'));
    const first = batches.next(null, 3);
    await releaseDeletes();
    await first;
    log = [];

    // As after a failed, retried delete: the loop asks after a key other than the one the last
    // batch returned (here an equal copy of it), so the end found ahead is not trusted.
    const retried = batches.next([3], 3);
    await releaseDeletes();
    expect(await retried).toEqual({ rows: 3, lastKey: [6] });
    expect(log).toEqual([
      'deleter: find after 3',
      'finder: find after 6',
      'deleter: delete (3, 6]',
      'deleter: deleted (3, 6]',
    ]);
    await batches.close();
  });

  it('finds and deletes on one session when it has no finder', async () => {
    const batches = new PurgeBatches(statements, session('only'));
    const first = batches.next(null, 6);
    await releaseDeletes();
    expect(await first).toEqual({ rows: 6, lastKey: [6] });
    const second = batches.next([6], 6);
    await releaseDeletes();
    expect(await second).toEqual({ rows: 4, lastKey: [10] });
    expect(log).toEqual([
      'only: find after null',
      'only: delete (null, 6]',
      'only: deleted (null, 6]',
      'only: find after 6',
      'only: delete (6, 10]',
      'only: deleted (6, 10]',
    ]);
  });

  it('waits on close for a find still running on the finder', async () => {
    let finishFind!: () => void;
    const slowFinder = {
      queryArrays: () =>
        new Promise((resolve) => {
          finishFind = () => {
            log.push('finder: found');
            resolve([]);
          };
        }),
    } as unknown as SqlSession;
    const batches = new PurgeBatches(statements, session('deleter'), slowFinder);
    const first = batches.next(null, 5);
    await releaseDeletes();
    await first;

    let closed = false;
    const closing = batches.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    finishFind();
    await closing;
    expect(log[log.length - 1]).toBe('finder: found');
  });
});
