import { redisInstalled, startThrowawayRedis, ThrowawayRedis } from '../../tools/throwaway-redis';
import { mysqlAvailable } from './test-databases';

/**
 * Queue-mode suites start their own throwaway `redis-server` (tools/throwaway-redis.ts): one per
 * test file, so that a test may stop and restart it. Without redis-server installed they are
 * skipped locally and fail in CI (CI=true), as MariaDB suites do.
 */
export function redisAvailable(): boolean {
  if (redisInstalled()) {
    return true;
  }
  if (process.env.CI === 'true') {
    throw new Error('CI=true but redis-server is not installed: the queue-mode tests cannot run');
  }
  return false;
}

/** `describe` for suites that need both MariaDB and Redis. */
export const describeQueue: jest.Describe = mysqlAvailable() && redisAvailable() ? describe : describe.skip;

export async function startTestRedis(): Promise<ThrowawayRedis> {
  return startThrowawayRedis();
}

export type { ThrowawayRedis };
