import fc from 'fast-check';
import {
  FuzzContext,
  FuzzRequest,
  FuzzTarget,
  Safety,
  fuzzRequests,
  rawBodyRequests,
} from './support/fuzz/fuzz-requests';
import { DataFingerprint, fingerprint } from './support/fuzz/data-fingerprint';
import { foldedName } from './support/fuzz/hostile-values';
import { OpenApiDocument, operationsOf } from './support/fuzz/openapi-operations';
import { RawResponse, sendRaw } from './support/fuzz/raw-http';
import { caller, createDatedTable, savePolicy, startRun, waitForRunEnd } from './support/job-fixtures';
import { StdoutCapture } from './support/log-capture';
import { TEST_ADMIN, TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';

/**
 * Control tables that change without any request: the audit trail (checked entry by entry below)
 * and the workers' heartbeats (job_workers, written every few seconds).
 */
const UNCHECKED_CONTROL_TABLES = ['audit_entries', 'job_workers'];

/** Seconds the random part may take in all (`npm run test:fuzz` sets it; CI keeps the default). */
const BUDGET_SECONDS = Number(process.env.FUZZ_BUDGET_SECONDS ?? 90);
const READER = { username: 'reader', password: 'reader-password-123' };

/**
 * Routes that would change data when sent a valid request with a valid token, and how the fuzzer
 * keeps them from it (see Safety). Every other mutating route has a path parameter, which names an
 * object that cannot exist; reads are sent anything.
 */
const SAFETY: Record<string, Safety> = {
  'POST /api/v1/auth/signup': 'invalid-body',
  'POST /api/v1/auth/logout': 'no-valid-token',
  'POST /api/v1/auth/login': 'harmless',
  'POST /api/v1/auth/password': { hostileFields: ['currentPassword'] },
  'POST /api/v1/policies': { hostileFields: ['tableName'] },
  'POST /api/v1/system/scheduler/test': 'harmless',
};

/** What a request may add to the audit trail: failed logins, and the reads and exports of archives it was allowed. */
const AUDIT_ACTIONS_OF_READS = ['auth.login.failed', 'archive.read', 'archive.export'];

/**
 * Hostile requests against every route the OpenAPI document lists, on MariaDB, over real HTTP:
 * malformed and oversized bodies, wrong types and hostile values in every field, parameter and
 * path, bad encodings and charsets, with and without tokens. No answer is a 5xx, every error has
 * the usual shape, the data of the three databases is what it was, and the service's logs hold no
 * secret and no error-level stack.
 */
describeMariaDb('API fuzz', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let context: FuzzContext;
  let targets: FuzzTarget[];
  let before: DataFingerprint;
  let lastAuditIdBefore: number;
  let auditBefore: unknown[];
  let adminToken: string;
  let readerToken: string;

  const statuses = new Map<number, number>();
  const tokensSeen = new Set<string>();
  const failures: string[] = [];
  let requests = 0;
  let logs = '';
  // From the app's start to the fuzzing's end: every line the service writes is checked.
  const capture = new StdoutCapture();

  beforeAll(async () => {
    capture.start();
    try {
      await prepare();
    } catch (error) {
      logs = capture.stop();
      throw error;
    }
  });

  const prepare = async () => {
    databases = await createTestDatabases('mysql');
    await createDatedTable(databases, 'orders', { old: 120, recent: 30 });
    app = await startTestApp(
      databases,
      { LOG_LEVEL: 'info', AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
      { productionLogger: true },
    );
    adminToken = await app.adminToken();
    const admin = caller(app, adminToken);
    await savePolicy(admin, 'orders');
    await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
    readerToken = await app.createUser(READER.username, ['orders'], READER.password);

    const document = (await app.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    targets = operationsOf(document).map((operation) => ({
      operation,
      safety: SAFETY[operation.id] ?? (operation.method === 'GET' ? 'harmless' : 'invalid-body'),
    }));
    context = {
      tokens: { admin: adminToken, user: readerToken },
      avoid: new Set(
        [TEST_ADMIN.username, TEST_ADMIN.password, READER.username, READER.password, 'orders'].map(foldedName),
      ),
      realPathValues: { tableName: ['orders'], id: ['1'], username: [READER.username], name: ['source', 'archive'] },
      // The archive of orders: its key and date column take filters, the others are refused.
      realColumns: ['id', 'customer_id', 'note', 'created_at', 'archived_at', 'archive_run_id'],
      bodyLimitBytes: app.config.http.bodyLimitBytes,
    };
    before = await fingerprint(databases, UNCHECKED_CONTROL_TABLES);
    const [audit] = await databases.control<{ id: unknown }>('SELECT MAX(id) AS id FROM audit_entries');
    lastAuditIdBefore = Number(audit.id);
    auditBefore = await auditUpTo(lastAuditIdBefore);
  };

  afterAll(async () => {
    logs ||= capture.stop();
    await app?.close();
    await databases?.drop();
  });

  const auditUpTo = (id: number) =>
    databases.control(
      'SELECT id, at, actor, actor_id, action, table_name, row_count, details FROM audit_entries WHERE id <= ? ORDER BY id',
      [id],
    );

  /** Sends one request and checks its answer; a failure is recorded with what was sent. */
  const probe = async (request: FuzzRequest): Promise<RawResponse> => {
    requests += 1;
    tokensSeen.add(request.attack.replace(/^.*\((\w+) token.*$/, '$1'));
    const response = await sendRaw(app.url.replace('[::1]', '127.0.0.1'), request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const problem = answerProblem(response);
    if (problem) {
      failures.push(`${request.method} ${request.path.slice(0, 200)} [${request.attack}]: ${problem}`);
    }
    return response;
  };

  it(
    'answers every hostile request with a 4xx (or a success), never a 5xx, in the usual error shape',
    async () => {
      try {
        for (const target of targets) {
          for (const request of rawBodyRequests(target, context)) {
            await probe(request);
          }
        }
        const perRouteMs = (BUDGET_SECONDS * 1000) / targets.length;
        for (const target of targets) {
          await fc.assert(
            fc.asyncProperty(fuzzRequests(target, context), async (request) => {
              const response = await probe(request);
              // Failing here lets fast-check shrink the request to the smallest one that fails.
              expect(answerProblem(response)).toBeNull();
            }),
            { numRuns: 1_000_000, interruptAfterTimeLimit: perRouteMs, markInterruptAsFailure: false },
          );
        }
      } finally {
        logs = capture.stop();
        process.stderr.write(
          `[fuzz] ${requests} requests to ${targets.length} routes; statuses: ${JSON.stringify(
            Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
          )}\n`,
        );
      }
      expect(failures).toEqual([]);
      expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
      expect([...tokensSeen].sort()).toEqual(['admin', 'garbage', 'none', 'user']);
      expect(requests).toBeGreaterThan(targets.length * 40);
    },
    BUDGET_SECONDS * 1000 + 600_000,
  );

  it('left the control, source and archive data as it was', async () => {
    expect(requests).toBeGreaterThan(0);
    expect(await fingerprint(databases, UNCHECKED_CONTROL_TABLES)).toEqual(before);
  });

  it('added to the audit trail only failed logins and permitted archive reads, and changed no earlier entry', async () => {
    const added = await databases.control<{ action: string }>(
      'SELECT DISTINCT action FROM audit_entries WHERE id > ? ORDER BY action',
      [lastAuditIdBefore],
    );
    expect(added.map((row) => row.action).filter((action) => !AUDIT_ACTIONS_OF_READS.includes(action))).toEqual([]);
    expect(await auditUpTo(lastAuditIdBefore)).toEqual(auditBefore);
  });

  it('logged no password, no token, and no error or stack trace for a client error', () => {
    const lines = logs.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(requests / 2);
    const records = lines.map(
      (line) => JSON.parse(line) as { level: number; msg?: string; res?: { statusCode?: number } },
    );
    expect(records.filter((record) => record.level >= 50)).toEqual([]);
    expect(lines.filter((line) => /\\n\s+at |\n\s+at /.test(line))).toEqual([]);
    // Client errors are warnings: one line per 4xx at least.
    const clientErrors = [...statuses]
      .filter(([status]) => status >= 400 && status < 500)
      .reduce((n, [, c]) => n + c, 0);
    expect(records.filter((record) => record.level === 40).length).toBeGreaterThanOrEqual(clientErrors);
    for (const secret of [
      TEST_ADMIN.password,
      READER.password,
      'fuzz-secret-in-a-broken-body',
      adminToken,
      readerToken,
      adminToken.split('.')[2],
      readerToken.split('.')[2],
    ]) {
      expect(logs.includes(secret) ? secret : null).toBeNull();
    }
  });
});

/** Why an answer is wrong (a 5xx, or an error without the usual shape), or null when it is fine. */
function answerProblem(response: RawResponse): string | null {
  if (response.status >= 500 || response.status < 100) {
    return `status ${response.status}: ${response.body.slice(0, 300)}`;
  }
  if (response.status < 400) {
    return null;
  }
  let body: { statusCode?: unknown; message?: unknown; error?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    return `status ${response.status} without a JSON body: ${response.body.slice(0, 200)}`;
  }
  const message = body.message;
  const validMessage =
    typeof message === 'string' || (Array.isArray(message) && message.every((item) => typeof item === 'string'));
  if (body.statusCode !== response.status || typeof body.error !== 'string' || !validMessage) {
    return `status ${response.status} with an unusual error body: ${response.body.slice(0, 300)}`;
  }
  return null;
}
