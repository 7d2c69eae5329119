import request from 'supertest';
import { AppProcess, WorkerProcess, startAppProcess, startWorkerProcess } from './app-process';
import { ThrowawayRedis } from './redis-test-server';
import { TEST_ADMIN, testProcessEnv } from './test-app';
import { TestDatabases } from './test-databases';

/** Environment of a queue-mode process (API or worker) on the test's databases and Redis. */
export function queueEnv(
  databases: TestDatabases,
  redis: ThrowawayRedis,
  extra: Record<string, string> = {},
): Record<string, string> {
  return testProcessEnv(databases, {
    LOG_LEVEL: 'info',
    JOB_EXECUTION: 'queue',
    REDIS_URL: redis.url,
    SCHEDULER_ENABLED: 'false',
    ...extra,
  });
}

/** API processes and worker processes of one queue, started and stopped together. */
export class QueueCluster {
  readonly apis: AppProcess[] = [];
  readonly workers: WorkerProcess[] = [];
  private token: string | null = null;

  async startApis(count: number, env: Record<string, string>): Promise<AppProcess[]> {
    // One after the other: the first migrates the control database and creates the admin.
    const started: AppProcess[] = [];
    for (let i = 0; i < count; i++) {
      started.push(await startAppProcess({ APP_ROLE: 'api', ...env }));
    }
    this.apis.push(...started);
    return started;
  }

  async startWorkers(count: number, env: Record<string, string>): Promise<WorkerProcess[]> {
    const started = await Promise.all(Array.from({ length: count }, () => startWorkerProcess(env)));
    this.workers.push(...started);
    return started;
  }

  async adminToken(): Promise<string> {
    if (!this.token) {
      const login = await request(this.apis[0].url).post('/api/v1/auth/login').send(TEST_ADMIN);
      this.token = (login.body as { access_token: string }).access_token;
    }
    return this.token;
  }

  /** An authenticated request to API instance `index`. */
  async api(index = 0): Promise<{ url: string; auth: string }> {
    return { url: this.apis[index].url, auth: `Bearer ${await this.adminToken()}` };
  }

  async savePolicy(table: string, extra: Record<string, unknown> = {}): Promise<void> {
    const { url, auth } = await this.api();
    const saved = await request(url)
      .post('/api/v1/policies')
      .set('Authorization', auth)
      .send({ tableName: table, dateColumn: 'created_at', archiveAfterDays: 30, deleteAfterDays: 1000, ...extra });
    if (saved.status !== 201 && saved.status !== 200) {
      throw new Error(`saving the policy of ${table} answered ${saved.status}: ${JSON.stringify(saved.body)}`);
    }
  }

  /** All output of every process, for a failing test's message. */
  logs(): string {
    return [...this.apis, ...this.workers].map((p) => `${p.stdout()}\n${p.stderr()}`).join('\n-----\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis.map((api) => api.stop()), ...this.workers.map((worker) => worker.stop())]);
  }
}
