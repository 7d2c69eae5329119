import request from 'supertest';
import { seedOrders } from '../faults/support/fault-fixtures';
import { QueueCluster, queueEnv } from './queue-cluster';
import { ThrowawayRedis, startTestRedis } from './redis-test-server';
import { TestDatabases, createTestDatabases } from './test-databases';
import { waitFor } from './wait-for';

/** What a queue-mode suite runs on: throwaway MariaDB databases, a throwaway Redis and its cluster. */
export interface QueueFixture {
  readonly databases: TestDatabases;
  readonly redis: ThrowawayRedis;
  readonly cluster: QueueCluster;
}

/**
 * Registers the suite's beforeAll (MariaDB databases and a Redis, then `setUp` seeds and starts
 * the cluster's processes) and its afterAll (the cluster stopped, Redis stopped, the databases
 * dropped). The returned fixture's databases and redis are there once beforeAll has run.
 */
export function useQueueFixture(setUp: (fixture: QueueFixture) => Promise<void>, timeoutMs = 240_000): QueueFixture {
  let databases: TestDatabases | undefined;
  let redis: ThrowawayRedis | undefined;
  const fixture: QueueFixture = {
    get databases() {
      return databases!;
    },
    get redis() {
      return redis!;
    },
    cluster: new QueueCluster(),
  };
  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    redis = await startTestRedis();
    await setUp(fixture);
  }, timeoutMs);
  afterAll(async () => {
    await fixture.cluster.stop();
    await redis?.stop();
    await databases?.drop();
  });
  return fixture;
}

/** Polls GET /api/v1/runs/:id on the cluster's first API instance until the run is no longer running; its body then. */
export async function waitForRunEnded<T extends { status: string }>(
  cluster: QueueCluster,
  runId: number,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const { url, auth } = await cluster.api();
  return waitFor(
    what,
    async () => {
      const body = (await request(url).get(`/api/v1/runs/${runId}`).set('Authorization', auth)).body as T;
      return body.status !== 'running' && body;
    },
    timeoutMs,
    250,
  );
}

export interface OrdersClusterOptions {
  /** Rows seeded into `orders` (see seedOrders). */
  rows: number;
  apis: number;
  workers: number;
  /** Added to queueEnv's environment, for the APIs and the workers alike. */
  env?: Record<string, string>;
  /** Added to the `orders` policy. */
  policy?: Record<string, unknown>;
}

/** A queue-mode suite on one seeded `orders` table with its policy saved: `apis` API instances and `workers` workers. */
export function useOrdersCluster(options: OrdersClusterOptions): QueueFixture {
  return useQueueFixture(async ({ databases, redis, cluster }) => {
    await seedOrders(databases, options.rows);
    const env = queueEnv(databases, redis, options.env);
    await cluster.startApis(options.apis, env);
    await cluster.startWorkers(options.workers, env);
    await cluster.savePolicy('orders', options.policy);
  });
}
