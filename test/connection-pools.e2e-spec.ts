import { Connection } from 'mysql2/promise';
import { ThrowawayMariaDb, startThrowawayMariaDb } from '../tools/throwaway-mariadb';
import { ScheduledJobs } from '../src/scheduler/scheduled-jobs.service';
import {
  AdminClient,
  ConnectionTarget,
  ROLE_GRANTS,
  addConnection,
  adminClient,
  createConnectionTarget,
  createNotedTable,
  newEncryptionKey,
} from './support/connection-fixtures';
import { savePolicy, caller } from './support/job-fixtures';
import { testMysqlUrl } from './support/mariadb-test-server';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb, mysqlConnection } from './support/test-databases';
import { waitFor } from './support/wait-for';

interface PolicyBody {
  tableName: string;
  sourceConnection: string;
  archiveConnection: string;
  enabled?: boolean;
}

async function savePolicies(admin: AdminClient, policies: PolicyBody[]): Promise<void> {
  for (const policy of policies) {
    const response = await admin.post('/api/v1/policies', {
      ...policy,
      dateColumn: 'created_at',
      archiveAfterDays: 30,
      deleteAfterDays: 50,
    });
    if (response.status !== 201) {
      throw new Error(`policy ${policy.sourceConnection}/${policy.tableName}: ${response.status} ${response.text}`);
    }
  }
}

/**
 * Server connections per login, as the server counts them (information_schema.PROCESSLIST), sampled
 * from a connection of the test's own: the most at once and every connection id seen, per user.
 */
class ProcessListSampler {
  readonly most = new Map<string, number>();
  readonly ids = new Map<string, Set<number>>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly admin: Connection,
    private readonly users: readonly string[],
  ) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopped) {
        await this.sample();
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.sample();
  }

  /** Connections each user has now. */
  async current(): Promise<Record<string, number>> {
    const [rows] = await this.admin.query(
      'SELECT USER AS user, ID AS id FROM information_schema.PROCESSLIST WHERE USER IN (?)',
      [this.users],
    );
    const counts = Object.fromEntries(this.users.map((user) => [user, 0]));
    for (const row of rows as Array<{ user: string; id: number }>) {
      counts[row.user] += 1;
      const seen = this.ids.get(row.user) ?? new Set<number>();
      seen.add(Number(row.id));
      this.ids.set(row.user, seen);
    }
    return counts;
  }

  private async sample(): Promise<void> {
    for (const [user, count] of Object.entries(await this.current())) {
      this.most.set(user, Math.max(this.most.get(user) ?? 0, count));
    }
  }
}

/**
 * A scheduled tick over 20 policies on 4 stored connections (two sources, two archives, each with
 * its own login) and a fifth connection whose only policy is disabled. The server's own count of
 * connections per login shows: a pool per connection the tick needs, opened once, never more
 * connections than its size; none for the connection it does not need; all closed once idle.
 */
describeMariaDb('pools on demand in a scheduled tick [mariadb]', () => {
  // Smaller than the three source sessions a copy run takes from a larger pool: the limit is
  // what keeps the count down, and runs still complete on fewer sessions.
  const POOL_LIMIT = 2;
  let databases: TestDatabases;
  let app: TestApp;
  let admin: AdminClient;
  let observer: Connection;
  const targets: Record<string, ConnectionTarget> = {};
  const policies: PolicyBody[] = [];

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    const server = testMysqlUrl() ?? '';
    for (const [name, role] of [
      ['p_s1', 'source'],
      ['p_s2', 'source'],
      ['p_a1', 'archive'],
      ['p_a2', 'archive'],
      ['p_idle', 'source'],
    ] as const) {
      targets[name] = await createConnectionTarget(server, name.replace('_', ''), ROLE_GRANTS[role]);
    }
    app = await startTestApp(databases, {
      ENCRYPTION_KEY: newEncryptionKey(),
      CONNECTION_POOL_LIMIT: String(POOL_LIMIT),
      CONNECTION_IDLE_SECONDS: '2',
    });
    admin = adminClient(app, await app.adminToken());
    for (const [name, target] of Object.entries(targets)) {
      await addConnection(admin, { name, role: name.includes('_a') ? 'archive' : 'source', url: target.url });
    }
    // Tables sort by name: a01–a10 (p_s1 → p_a1) run first, then b01–b10 (p_s2 → p_a2).
    for (let i = 1; i <= 10; i++) {
      const n = String(i).padStart(2, '0');
      await createNotedTable(targets.p_s1.sql, `a${n}`, { old: 30, recent: 3, note: `a${n}` });
      await createNotedTable(targets.p_s2.sql, `b${n}`, { old: 30, recent: 3, note: `b${n}` });
      policies.push({ tableName: `a${n}`, sourceConnection: 'p_s1', archiveConnection: 'p_a1' });
      policies.push({ tableName: `b${n}`, sourceConnection: 'p_s2', archiveConnection: 'p_a2' });
    }
    await createNotedTable(targets.p_idle.sql, 'c01', { old: 30, recent: 3, note: 'c01' });
    await savePolicies(admin, [
      ...policies,
      { tableName: 'c01', sourceConnection: 'p_idle', archiveConnection: 'p_a1', enabled: false },
    ]);
    observer = await mysqlConnection(server);
  });

  afterAll(async () => {
    await observer?.end();
    await app?.close();
    for (const target of Object.values(targets)) {
      await target.drop();
    }
    await databases?.drop();
  });

  const users = () => Object.values(targets).map((target) => target.user);
  const noConnections = async (sampler: ProcessListSampler) =>
    Object.values(await sampler.current()).every((count) => count === 0);

  it('opens one small pool per connection it needs, none for the others, and closes them when idle', async () => {
    const sampler = new ProcessListSampler(observer, users());
    // Saving the policies opened pools to inspect the tables; they close once idle.
    await waitFor('the pools opened by saving the policies to close', () => noConnections(sampler), 30_000);
    sampler.ids.clear();

    sampler.start();
    const runs = await app.app.get(ScheduledJobs).runAll('archive');
    await sampler.stop();

    expect(runs.map((run) => [`${run.sourceConnection}/${run.tableName}`, run.status, run.rowsArchived])).toEqual(
      [...policies]
        .sort((x, y) => x.tableName.localeCompare(y.tableName))
        .map((policy) => [`${policy.sourceConnection}/${policy.tableName}`, 'succeeded', 30]),
    );
    for (const name of ['p_s1', 'p_s2', 'p_a1', 'p_a2']) {
      const user = targets[name].user;
      const most = sampler.most.get(user) ?? 0;
      expect({ name, used: most >= 1, withinPool: most <= POOL_LIMIT }).toEqual({ name, used: true, withinPool: true });
      // One pool, opened once for its ten policies: never more connections than it holds.
      expect({ name, connections: (sampler.ids.get(user)?.size ?? 0) <= POOL_LIMIT }).toEqual({
        name,
        connections: true,
      });
    }
    expect(sampler.most.get(targets.p_idle.user) ?? 0).toBe(0);

    await waitFor('every pool to close once idle', () => noConnections(sampler), 30_000);
    const listed = (await admin.get('/api/v1/connections')).body as Array<{ name: string; poolOpen: boolean }>;
    expect(listed.filter((connection) => connection.name.startsWith('p_')).map((c) => [c.name, c.poolOpen])).toEqual([
      ['p_a1', false],
      ['p_a2', false],
      ['p_idle', false],
      ['p_s1', false],
      ['p_s2', false],
    ]);
  });
});

/**
 * One stored source connection's server goes down before a scheduled tick: its two policies fail,
 * each saying which connection and why; the policies before and after them, on the built-in
 * connections and on another stored one, run in the same tick. Readiness stays 200.
 */
describeMariaDb('a connection that is down in a scheduled tick [mariadb]', () => {
  let second: ThrowawayMariaDb;
  let databases: TestDatabases;
  let healthy: ConnectionTarget;
  let doomed: ConnectionTarget;
  let app: TestApp;
  let admin: AdminClient;

  beforeAll(async () => {
    second = await startThrowawayMariaDb({ rootPassword: 'doomed-root-pw-24', bufferPoolSize: '32M' });
    databases = await createTestDatabases('mysql');
    healthy = await createConnectionTarget(testMysqlUrl() ?? '', 'healthy', ROLE_GRANTS.source);
    doomed = await createConnectionTarget(second.url('mysql'), 'doomed', ROLE_GRANTS.source);
    app = await startTestApp(databases, { ENCRYPTION_KEY: newEncryptionKey(), CONNECTION_IDLE_SECONDS: '1' });
    admin = adminClient(app, await app.adminToken());
    await addConnection(admin, { name: 'healthy_src', role: 'source', url: healthy.url });
    await addConnection(admin, { name: 'down_src', role: 'source', url: doomed.url });

    for (const table of ['k_before', 'z_after']) {
      await createNotedTable(databases.source, table, { old: 20, recent: 2, note: table });
      await savePolicy(caller(app, await app.adminToken()), table);
    }
    await createNotedTable(healthy.sql, 'n_other', { old: 20, recent: 2, note: 'n_other' });
    for (const table of ['m_down_1', 'm_down_2']) {
      await createNotedTable(doomed.sql, table, { old: 20, recent: 2, note: table });
    }
    await savePolicies(admin, [
      { tableName: 'm_down_1', sourceConnection: 'down_src', archiveConnection: 'archive' },
      { tableName: 'm_down_2', sourceConnection: 'down_src', archiveConnection: 'archive' },
      { tableName: 'n_other', sourceConnection: 'healthy_src', archiveConnection: 'archive' },
    ]);
    // The pool saving the policies opened closes when idle; then the server goes away.
    await waitFor('the pool of down_src to close', async () => {
      const listed = (await admin.get('/api/v1/connections/down_src')).body as { poolOpen: boolean };
      return !listed.poolOpen;
    });
    await doomed.drop().catch(() => undefined);
    await second.stop();
  });

  afterAll(async () => {
    await app?.close();
    await healthy?.drop();
    await databases?.drop();
  });

  it('fails only its own policies, with a message naming it; the others run in the same tick', async () => {
    const runs = await app.app.get(ScheduledJobs).runAll('archive');
    const unavailable =
      'source connection "down_src" is unavailable: connection refused (ECONNREFUSED) ' +
      '(POST /api/v1/connections/down_src/test says what fails)';
    expect(
      runs.map((run) => [`${run.sourceConnection}/${run.tableName}`, run.status, run.rowsArchived, run.error]),
    ).toEqual([
      ['source/k_before', 'succeeded', 20, null],
      ['down_src/m_down_1', 'failed', 0, unavailable],
      ['down_src/m_down_2', 'failed', 0, unavailable],
      ['healthy_src/n_other', 'succeeded', 20, null],
      ['source/z_after', 'succeeded', 20, null],
    ]);
    const [archived] = await databases.archive<{ n: number }>(
      'SELECT (SELECT COUNT(*) FROM k_before) + (SELECT COUNT(*) FROM n_other) + (SELECT COUNT(*) FROM z_after) AS n',
    );
    expect(Number(archived.n)).toBe(60);
  });

  it('stays ready, and reports the connection down under `connections`', async () => {
    const ready = await app.http().get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.connections).toEqual({
      status: 'up',
      down: 1,
      byName: {
        down_src: { status: 'down', message: 'connection refused (ECONNREFUSED)' },
        healthy_src: { status: 'up' },
      },
    });
    expect(ready.body.details.source).toEqual({ status: 'up' });
  });
});
