import { queueJobIdOf, runIdOfQueueJob } from './queue-names';
import { producerRedisOptions, workerRedisOptions } from './redis-options';
import { parseRedisUrl } from '../config/redis-url';

describe('queue job ids', () => {
  it('name a run `run-<id>` (BullMQ refuses all-digit custom ids) and read it back', () => {
    expect(queueJobIdOf(42)).toBe('run-42');
    expect(runIdOfQueueJob(queueJobIdOf(42))).toBe(42);
  });

  it.each(['repeat:archival-job:1796630000000', '42', 'run-', 'run-4x', undefined])('find no run in %p', (id) => {
    expect(runIdOfQueueJob(id)).toBeNull();
  });
});

describe('Redis connection options', () => {
  const settings = parseRedisUrl('rediss://queue:secret@redis.internal:6380/3');

  it('make the admitting side fail fast: no offline queue, one retry, connect and command timeouts', () => {
    expect(producerRedisOptions(settings)).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      db: 3,
      username: 'queue',
      password: 'secret',
      tls: {},
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      commandTimeout: 5000,
    });
  });

  it('let workers wait for Redis, reconnecting at most 5 s apart', () => {
    const options = workerRedisOptions(settings);
    expect(options).toMatchObject({ maxRetriesPerRequest: null, connectTimeout: 5000 });
    const delays = [1, 2, 3, 10, 100].map((times) => options.retryStrategy?.(times));
    expect(delays).toEqual([500, 1000, 2000, 5000, 5000]);
  });
});
