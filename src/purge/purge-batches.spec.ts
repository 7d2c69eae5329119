import { SqlSession } from '../database/sql-client';
import { PurgeBatchStatements, PurgeBatches } from './purge-batches';

/**
 * The order of a purge batch's statements and what each batch hands back, with a session that
 * records what it is sent. What the statements do to a real table is tested against MariaDB and
 * SQLite in test/purge-engine.e2e-spec.ts.
 */
describe('PurgeBatches', () => {
  /** Expired keys 1..10; batch ends are found from these, deletes are only recorded. */
  const EXPIRED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  const statements: PurgeBatchStatements = {
    batchEnd: (after, limit) => ({ sql: 'find', params: [after?.[0] ?? null, limit] }),
    deleteExpired: (after, end) => ({ sql: 'delete', params: [after?.[0] ?? null, end[0]] }),
  };

  let log: string[];

  beforeEach(() => {
    log = [];
  });

  const session = {
    queryArrays: async (_sql: string, params: readonly unknown[]) => {
      const [after, limit] = params as [number | null, number];
      log.push(`find after ${after}`);
      const rest = EXPIRED.filter((key) => after === null || key > after).slice(0, limit);
      return rest.length ? [[rest[rest.length - 1]]] : [];
    },
    execute: async (_sql: string, params: readonly unknown[]) => {
      const [after, end] = params as [number | null, number];
      log.push(`delete (${after}, ${end}]`);
      return { affectedRows: EXPIRED.filter((key) => (after === null || key > after) && key <= end).length };
    },
  } as unknown as SqlSession;

  it('finds each batch end, then deletes up to it, and goes on after that end', async () => {
    const batches = new PurgeBatches(statements, session);
    expect(await batches.next(null, 6)).toEqual({ rows: 6, lastKey: [6] });
    expect(await batches.next([6], 6)).toEqual({ rows: 4, lastKey: [10] });
    expect(await batches.next([10], 6)).toBeNull();
    expect(log).toEqual(['find after null', 'delete (null, 6]', 'find after 6', 'delete (6, 10]', 'find after 10']);
  });

  it('deletes nothing when no expired row is left', async () => {
    const batches = new PurgeBatches(statements, session);
    expect(await batches.next([10], 3)).toBeNull();
    expect(log).toEqual(['find after 10']);
  });
});
