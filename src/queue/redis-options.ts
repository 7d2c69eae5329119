import type { RedisOptions } from 'bullmq';
import type { RedisOptions as IORedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/redis-url';

/** Longest a TCP connect to Redis may take before the attempt counts as failed. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;
/** Longest one Redis command of the API side (enqueue, counts, ping) may take. */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;
/** Reconnect attempts back off up to this (the default of BullMQ goes up to 20 s). */
const MAX_RECONNECT_DELAY_MS = 5_000;

/** ioredis options (BullMQ hands them to ioredis, which it loads itself), type-checked as such. */
function base(settings: RedisSettings): RedisOptions & IORedisOptions {
  return {
    host: settings.host,
    port: settings.port,
    db: settings.db,
    ...(settings.username === null ? {} : { username: settings.username }),
    ...(settings.password === null ? {} : { password: settings.password }),
    ...(settings.tls ? { tls: {} } : {}),
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    // Reconnect for as long as the process lives, at most 5 s apart: Redis coming back after a
    // restart must be noticed within seconds.
    retryStrategy: (times: number) => Math.min(250 * 2 ** Math.min(times, 5), MAX_RECONNECT_DELAY_MS),
  };
}

/**
 * The side that admits jobs (an HTTP request waits for it): a command fails at once while Redis is
 * unreachable (no offline queue), and never waits more than REDIS_COMMAND_TIMEOUT_MS. The caller
 * gets an error it can answer with a 503 instead of a request that hangs.
 */
export function producerRedisOptions(settings: RedisSettings): RedisOptions & IORedisOptions {
  return {
    ...base(settings),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  };
}

/**
 * The side that executes jobs: it waits for Redis to come back rather than failing (BullMQ requires
 * maxRetriesPerRequest null for its blocking connection and sets it itself). Its blocking waits are
 * bounded by BullMQ (at most 10 s per wait, then it asks again), and nothing a run does depends on
 * Redis: the run, its lease and its record live in the control database.
 */
export function workerRedisOptions(settings: RedisSettings): RedisOptions & IORedisOptions {
  return { ...base(settings), maxRetriesPerRequest: null };
}
