import { randomBytes } from 'node:crypto';
import { secretContext } from '../src/connections/connection-secrets';
import { EncryptedSecret, SecretCipher, keyIdOf } from '../src/connections/secret-cipher';
import { AppProcess, ProcessExit, runAppUntilExit, startAppProcess } from './support/app-process';
import { CliResult, CompiledCli, compileCli } from './support/compiled-cli';
import { ConnectionTarget, ROLE_GRANTS, createConnectionTarget, createNotedTable } from './support/connection-fixtures';
import { testMysqlUrl } from './support/mariadb-test-server';
import { TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';
import { waitFor } from './support/wait-for';

const ADMIN = { username: 'admin', password: 'admin-password-for-secrets-1' };

/** How long the service may take to start under ts-node (a bound, generous for a busy machine). */
const SERVICE_START_MS = 120_000;

/** The service as a real process, and JSON over HTTP with its admin's token. */
async function startService(env: Record<string, string>): Promise<{ service: AppProcess; api: Api }> {
  const service = await startAppProcess(
    {
      NODE_ENV: 'development',
      LOG_LEVEL: 'trace',
      SCHEDULER_ENABLED: 'false',
      JWT_SECRET: 'jwt-secret-of-the-connection-secrets-test-0123456789',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    SERVICE_START_MS,
  );
  const login = await fetch(`${service.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const api = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return { service, api };
}

type Api = (
  method: string,
  path: string,
  body?: object,
) => Promise<{ status: number; text: string; body: Record<string, unknown> }>;

/** Every API answer, process output and CLI output of the suite: none may hold a password or a key. */
const answers: string[] = [];

/**
 * Passwords of stored connections at rest: encrypted in the control database, decryptable only
 * with ENCRYPTION_KEY, re-encrypted by `keys:rotate` (the real CLI), after which the service starts
 * only with the new key and every connection still works. Everything runs as real processes.
 */
describeMariaDb('connection passwords at rest [mariadb]', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const thirdKey = randomBytes(32);
  let cli: CompiledCli;
  let databases: TestDatabases;
  let source: ConnectionTarget;
  let archive: ConnectionTarget;
  let running: { service: AppProcess; api: Api } | null = null;
  const exits: ProcessExit[] = [];
  const cliRuns: CliResult[] = [];

  const runCli = async (args: string[], env: Record<string, string>, input?: string) => {
    const result = await cli.run(args, { env: { ...databases.env, ...env }, input });
    cliRuns.push(result);
    return result;
  };
  const stopService = async () => {
    if (running) {
      exits.push(await running.service.stop());
      running = null;
    }
  };
  const storedSecrets = async () =>
    Object.fromEntries(
      (
        await databases.control<{ name: string; password_encrypted: string }>(
          'SELECT name, password_encrypted FROM connections ORDER BY name',
        )
      ).map((row) => [row.name, row.password_encrypted as EncryptedSecret]),
    );
  const runArchive = async (api: Api) => {
    const started = await api('POST', '/api/v1/policies/orders/run?connection=vaulted_src', { job: 'archive' });
    expect(started.status).toBe(202);
    return waitFor('the archive run to end', async () => {
      const run = await api('GET', `/api/v1/runs/${String(started.body.runId)}`);
      return run.body.status !== 'running' && run.body;
    });
  };

  beforeAll(async () => {
    cli = await compileCli();
    databases = await createTestDatabases('mysql');
    source = await createConnectionTarget(testMysqlUrl() ?? '', 'vsrc', ROLE_GRANTS.source);
    archive = await createConnectionTarget(testMysqlUrl() ?? '', 'varc', ROLE_GRANTS.archive);
    await createNotedTable(source.sql, 'orders', { old: 25, recent: 5, note: 'vaulted order' });
  }, 180_000);

  afterAll(async () => {
    await stopService();
    cli?.remove();
    await source?.drop();
    await archive?.drop();
    await databases?.drop();
  });

  it('stores the passwords encrypted: the raw row holds no password, and only the right key decrypts it', async () => {
    running = await startService({ ...databases.env, ENCRYPTION_KEY: oldKey.toString('base64') });
    const { api } = running;
    expect(
      (await api('POST', '/api/v1/connections', { name: 'vaulted_src', role: 'source', url: source.url })).status,
    ).toBe(201);
    const added = await api('POST', '/api/v1/connections', {
      name: 'vaulted_arc',
      role: 'archive',
      engine: 'mariadb',
      host: archive.host,
      port: archive.port,
      database: archive.schema,
      user: archive.user,
      password: archive.password,
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ hasPassword: true });

    const stored = await storedSecrets();
    const cases = [
      ['vaulted_src', source.password],
      ['vaulted_arc', archive.password],
    ] as const;
    for (const [name, password] of cases) {
      for (const form of [
        password,
        encodeURIComponent(password),
        Buffer.from(password).toString('base64'),
        Buffer.from(password).toString('hex'),
      ]) {
        expect(stored[name]).not.toContain(form);
      }
      expect(stored[name]).toMatch(new RegExp(`^v1\\.${keyIdOf(oldKey)}\\.`));
      expect(new SecretCipher(oldKey).decrypt(stored[name], secretContext(name)).reveal()).toBe(password);
      expect(() => new SecretCipher(newKey).decrypt(stored[name], secretContext(name))).toThrow(
        /ENCRYPTION_KEY has key id/,
      );
    }
    // The whole control database, as a dump would show it, holds neither password.
    const dump =
      JSON.stringify(await databases.control('SELECT * FROM connections')) +
      JSON.stringify(await databases.control('SELECT * FROM audit_entries'));
    expect(dump).not.toContain(source.password);
    expect(dump).not.toContain(archive.password);
  });

  it('archives through the stored connections', async () => {
    const { api } = running!;
    const saved = await api('POST', '/api/v1/policies', {
      tableName: 'orders',
      sourceConnection: 'vaulted_src',
      archiveConnection: 'vaulted_arc',
      dateColumn: 'created_at',
      archiveAfterDays: 30,
      deleteAfterDays: 50,
    });
    expect(saved.status).toBe(201);
    expect(await runArchive(api)).toMatchObject({ status: 'succeeded', rowsArchived: 25 });
    const [count] = await archive.sql<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(count.n)).toBe(25);
    await api('GET', '/api/v1/audit?limit=1000');
    await api('GET', '/api/v1/runs');
    await stopService();
  });

  it('keys:rotate re-encrypts every stored password under the new key, in one go', async () => {
    const before = await storedSecrets();
    const result = await runCli(
      ['keys:rotate'],
      { ENCRYPTION_KEY: oldKey.toString('base64') },
      `${newKey.toString('base64')}\n`,
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(
      `re-encrypted 2 connection password(s) from key id ${keyIdOf(oldKey)} to key id ${keyIdOf(newKey)}: vaulted_arc, vaulted_src`,
    );
    const after = await storedSecrets();
    for (const [name, password] of [
      ['vaulted_src', source.password],
      ['vaulted_arc', archive.password],
    ] as const) {
      expect(after[name]).not.toBe(before[name]);
      expect(after[name]).toMatch(new RegExp(`^v1\\.${keyIdOf(newKey)}\\.`));
      expect(new SecretCipher(newKey).decrypt(after[name], secretContext(name)).reveal()).toBe(password);
      expect(() => new SecretCipher(oldKey).decrypt(after[name], secretContext(name))).toThrow();
    }
  });

  it('refuses to start with the old key or without a key, naming ENCRYPTION_KEY', async () => {
    // Refused only once Nest has started its modules (the check needs the control database): under
    // ts-node on a busy machine that takes longer than the helper's default wait for a refused boot.
    const bootMs = SERVICE_START_MS;
    const withOldKey = await runAppUntilExit(
      { ...databases.env, ENCRYPTION_KEY: oldKey.toString('base64'), DB_CONNECT_ATTEMPTS: '1' },
      bootMs,
    );
    exits.push(withOldKey);
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.stderr).toMatch(
      new RegExp(
        `^DAS cannot start\\. ENCRYPTION_KEY does not decrypt the stored connection passwords: .* key id ${keyIdOf(newKey)}, but ENCRYPTION_KEY has key id ${keyIdOf(oldKey)}`,
        'm',
      ),
    );
    const withoutKey = await runAppUntilExit({ ...databases.env, DB_CONNECT_ATTEMPTS: '1' }, bootMs);
    exits.push(withoutKey);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain(
      'DAS cannot start. ENCRYPTION_KEY is not set, but the control database holds encrypted passwords of connections "vaulted_arc", "vaulted_src"',
    );
    const cliWithOldKey = await runCli(['connection:list'], { ENCRYPTION_KEY: oldKey.toString('base64') });
    expect(cliWithOldKey).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: ENCRYPTION_KEY does not decrypt/m),
    });
  });

  it('after the rotation every connection still tests OK and archives', async () => {
    running = await startService({ ...databases.env, ENCRYPTION_KEY: newKey.toString('base64') });
    const { api } = running;
    for (const name of ['vaulted_src', 'vaulted_arc', 'source', 'archive']) {
      const tested = await api('POST', `/api/v1/connections/${name}/test`);
      expect(tested.body).toMatchObject({ name, ok: true });
    }
    await source.sql(
      "INSERT INTO orders (id, customer_id, note, created_at) VALUES (100, 1, 'vaulted order 100', NOW() - INTERVAL 60 DAY)",
    );
    expect(await runArchive(api)).toMatchObject({ status: 'succeeded', rowsArchived: 1 });
    const [count] = await archive.sql<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(count.n)).toBe(26);
    const tested = await runCli(['connection:test', 'vaulted_src'], { ENCRYPTION_KEY: newKey.toString('base64') });
    expect(tested).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('connection "vaulted_src" works as a source connection'),
    });
    await api('GET', '/api/v1/audit?limit=1000');
    await api('GET', '/api/v1/runs');
    await api('GET', '/api/v1/connections');
    await stopService();
  });

  it('keys:rotate takes both keys from stdin, old first, when the environment has neither', async () => {
    const result = await runCli(['keys:rotate'], {}, `${newKey.toString('base64')}\n${thirdKey.toString('base64')}\n`);
    expect(result).toMatchObject({ code: 0 });
    expect(Object.values(await storedSecrets()).every((stored) => stored.startsWith(`v1.${keyIdOf(thirdKey)}.`))).toBe(
      true,
    );
    const listed = await runCli(['connection:list'], { ENCRYPTION_KEY: thirdKey.toString('base64') });
    expect(listed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/vaulted_src\s+source\s+mysql\s+\S+\s+\S+\s+stored/),
    });
  });

  it('never shows a password or a key: not in logs, API answers, CLI output, run records or the audit trail', () => {
    const everything = [
      ...answers,
      ...exits.flatMap((exit) => [exit.stdout, exit.stderr]),
      ...cliRuns.flatMap((run) => [run.stdout, run.stderr]),
    ].join('\n');
    // The logs were written (LOG_LEVEL=trace): the check below looks at something.
    expect(everything).toContain('"msg":"request completed"');
    for (const secret of [source.password, archive.password, encodeURIComponent(source.password)]) {
      expect(everything).not.toContain(secret);
    }
    for (const key of [oldKey, newKey, thirdKey]) {
      expect(everything).not.toContain(key.toString('base64'));
    }
  });
});
