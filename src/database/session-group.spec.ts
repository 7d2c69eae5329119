import { SqlClient, SqlSession } from './sql-client';
import { withSessionGroup } from './session-group';

type PooledClient = SqlClient & { inUse(): number; failNextOpen(): void };

/** A client over a pool of `size` connections that hands them out in arrival order, a tick later. */
function pooledClient(size: number): PooledClient {
  let free = size;
  let failures = 0;
  const waiting: Array<() => void> = [];
  const take = () =>
    new Promise<void>((resolve) => {
      if (free > 0) {
        free -= 1;
        setImmediate(resolve);
      } else {
        waiting.push(resolve);
      }
    });
  const give = () => {
    const next = waiting.shift();
    if (next) {
      setImmediate(next);
    } else {
      free += 1;
    }
  };
  return {
    name: 'source',
    maxSessions: size,
    inUse: () => size - free,
    failNextOpen: () => (failures += 1),
    async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      if (failures > 0) {
        failures -= 1;
        throw new Error('connection refused');
      }
      await take();
      try {
        return await work({} as SqlSession);
      } finally {
        give();
      }
    },
  } as unknown as PooledClient;
}

/** Settles with `promise`, or with 'stuck' when it has not settled after `ms`. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | 'stuck'> {
  return Promise.race([promise, new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), ms))]);
}

describe('withSessionGroup', () => {
  it('hands work the number of distinct sessions asked for, and releases them all afterwards', async () => {
    const client = pooledClient(3);
    const sizes = await withSessionGroup(client, 3, async (sessions) => [
      sessions.length,
      new Set(sessions).size,
      client.inUse(),
    ]);
    expect(sizes).toEqual([3, 3, 3]);
    expect(client.inUse()).toBe(0);
  });

  it('lets groups that together need more than the pool take turns instead of deadlocking', async () => {
    // Two groups of two on a pool of two: opened side by side, each would get one connection and
    // wait for ever for a second.
    const client = pooledClient(2);
    const order: string[] = [];
    const group = (name: string) =>
      withSessionGroup(client, 2, async () => {
        order.push(`${name} starts`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`${name} ends`);
        return name;
      });
    const outcome = await withinMs(Promise.all([group('a'), group('b'), group('c')]), 1000);
    expect(outcome).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });

  it('lets the next group open when opening one of its sessions failed', async () => {
    const client = pooledClient(2);
    const first = withSessionGroup(client, 2, async () => 'never');
    client.failNextOpen();
    await expect(first).rejects.toThrow('connection refused');
    expect(
      await withinMs(
        withSessionGroup(client, 2, async () => 'next'),
        1000,
      ),
    ).toBe('next');
    expect(client.inUse()).toBe(0);
  });

  it('refuses a group larger than the client can hold at once', async () => {
    await expect(withSessionGroup(pooledClient(2), 3, async () => 'never')).rejects.toThrow(
      'source: cannot hold 3 sessions at once (at most 2)',
    );
  });
});
