import { SqlClient, SqlSession } from '../../database/sql-client';
import { RunWindow } from './run-window';
import { ReplicaProbe, ServerThrottle } from './throttle';

/** A source whose `Threads_running` is whatever the test sets. */
function sourceWithThreads(threads: { running: number }): SqlClient {
  const session = { queryArrays: async () => [['Threads_running', String(threads.running)]] } as unknown as SqlSession;
  return { withSession: (work: (s: SqlSession) => Promise<unknown>) => work(session) } as unknown as SqlClient;
}

function replica(name: string, status: () => Promise<Array<Record<string, unknown>>>): ReplicaProbe {
  return { name, status };
}

const replicating =
  (seconds: number | null, sql = 'Yes') =>
  async () => [{ Slave_SQL_Running: sql, Seconds_Behind_Master: seconds }];

describe('ServerThrottle', () => {
  const noon = new Date('2026-12-07T12:00:00Z');

  it('lets batches go when nothing is configured or nothing is over its limit', async () => {
    const threads = { running: 3 };
    const none = new ServerThrottle(sourceWithThreads(threads), [], {});
    expect(none.active).toBe(false);
    const calm = new ServerThrottle(sourceWithThreads(threads), [replica('r1:3306', replicating(2))], {
      maxReplicaLagSeconds: 5,
      maxThreadsRunning: 10,
    });
    await expect(calm.check(noon)).resolves.toEqual({ action: 'go', warnings: [] });
  });

  it('pauses for the most lagging replica, naming it', async () => {
    const throttle = new ServerThrottle(
      sourceWithThreads({ running: 1 }),
      [replica('r1:3306', replicating(3)), replica('r2:3306', replicating(12))],
      { maxReplicaLagSeconds: 5 },
    );
    await expect(throttle.check(noon)).resolves.toMatchObject({
      action: 'pause',
      reason: 'replica-lag',
      message: 'replica lag 12 s > 5 s (r2:3306)',
    });
  });

  it.each([
    [
      'cannot be read',
      async () => Promise.reject(new Error('connect ECONNREFUSED')),
      /cannot be read: connect ECONNREFUSED/,
    ],
    ['has its SQL thread stopped', replicating(null, 'No'), /has its SQL thread stopped/],
    ['is not replicating', async () => [], /is not replicating/],
    ['does not report its lag', replicating(null), /does not report its lag/],
  ])('counts a replica that %s as lagging, with a warning', async (_case, status, message) => {
    const throttle = new ServerThrottle(sourceWithThreads({ running: 1 }), [replica('r1:3306', status)], {
      maxReplicaLagSeconds: 5,
    });
    const verdict = await throttle.check(noon);
    expect(verdict).toMatchObject({ action: 'pause', reason: 'replica-lag', message: expect.stringMatching(message) });
    expect(verdict.action === 'pause' && verdict.warnings).toEqual([expect.stringMatching(message)]);
  });

  it("pauses while the server's Threads_running exceeds the limit", async () => {
    const threads = { running: 30 };
    const throttle = new ServerThrottle(sourceWithThreads(threads), [], { maxThreadsRunning: 20 }, 0);
    await expect(throttle.check(noon)).resolves.toMatchObject({
      action: 'pause',
      reason: 'threads-running',
      message: 'source Threads_running 30 > 20',
    });
    threads.running = 20;
    await expect(throttle.check(noon)).resolves.toMatchObject({ action: 'go' });
  });

  it('stops outside the run window', async () => {
    const throttle = new ServerThrottle(sourceWithThreads({ running: 1 }), [], {
      runWindow: RunWindow.parse('01:00-05:00') as RunWindow,
    });
    await expect(throttle.check(noon)).resolves.toEqual({
      action: 'stop',
      message: 'window closed (runWindow 01:00-05:00 UTC)',
    });
  });

  it('asks the servers at most once per interval', async () => {
    let asked = 0;
    const throttle = new ServerThrottle(
      sourceWithThreads({ running: 1 }),
      [replica('r1:3306', async () => (asked++, [{ Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 0 }]))],
      { maxReplicaLagSeconds: 5 },
      1000,
    );
    await throttle.check(new Date(0));
    await throttle.check(new Date(999));
    expect(asked).toBe(1);
    await throttle.check(new Date(1000));
    expect(asked).toBe(2);
  });
});
