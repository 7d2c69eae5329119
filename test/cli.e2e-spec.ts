import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { CONTROL_DB } from '../src/database/database.constants';
import { JobLease } from '../src/scheduler/entities/job-lease.entity';
import { CliResult, CliRunOptions, CompiledCli, compileCli } from './support/compiled-cli';
import { daysAgo } from './support/engine-fixtures';
import {
  Caller,
  caller,
  contentEverywhere,
  createDatedTable,
  getRun,
  rowCount,
  savePolicy,
} from './support/job-fixtures';
import { waitFor } from './support/wait-for';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine, describeMariaDb } from './support/test-databases';

/**
 * The admin CLI as users run it: a separate process (compiled once, started with plain node),
 * configured by environment variables, on the same databases as a running service (SQLite and
 * MariaDB). The service in this process only sets up fixtures and checks results over HTTP.
 */
let cli: CompiledCli;

beforeAll(async () => {
  cli = await compileCli();
}, 120_000);

afterAll(() => cli?.remove());

/** The run id in a summary line such as `succeeded: … (run 12)`. */
function runIdIn(result: CliResult): number {
  const match = /\(run (\d+)[,)]/.exec(result.stdout);
  if (!match) {
    throw new Error(`no run id in the output:\n${result.stdout}\n${result.stderr}`);
  }
  return Number(match[1]);
}

describe('CLI without a database', () => {
  // An unreachable MySQL: anything that tried to connect would fail (or hang on retries).
  const env = {
    CONTROL_DB_URL: 'mysql://das:secret-password@127.0.0.1:1/das_control',
    SOURCE_DB_URL: 'mysql://das:secret-password@127.0.0.1:1/das_source',
    ARCHIVE_DB_URL: 'mysql://das:secret-password@127.0.0.1:1/das_archive',
  };

  it('--help lists every command and the exit codes', async () => {
    const result = await cli.run(['--help'], { env });
    expect(result).toMatchObject({ code: 0 });
    for (const command of [
      'user:create-admin',
      'user:grant',
      'user:disable',
      'user:enable',
      'user:delete',
      'policy:list',
      'archive:run',
      'purge:run',
      'migrate',
      'connection:add',
      'connection:list',
      'connection:test',
      'connection:remove',
      'keys:rotate',
      'run:cancel',
    ]) {
      expect(result.stdout).toContain(command);
    }
    expect(result.stdout).toContain('Exit codes');
  });

  it("a command's --help documents its options", async () => {
    const result = await cli.run(['purge:run', '--help'], { env });
    expect(result).toMatchObject({ code: 0 });
    for (const option of ['--dry-run', '--batch-size', '--max-runtime', '--sleep', '--lanes']) {
      expect(result.stdout).toContain(option);
    }
  });

  it.each([
    [['no-such-command'], /unknown command 'no-such-command'/],
    [['archive:run'], /missing required argument 'table'/],
    [['archive:run', 'orders', 'extra'], /too many arguments/],
    [['archive:run', 'orders', '--batch-size', '0'], /--batch-size must be an integer from 1 to 50000 \(got "0"\)/],
    [['purge:run', 'orders', '--sleep', 'soon'], /--sleep must be an integer/],
    [['archive:run', 'orders', '--lanes', '5'], /--lanes must be an integer from 1 to 4 \(got "5"\)/],
    [['archive:run', 'orders', '--max-runtime', '604801'], /--max-runtime must be an integer from 1 to 604800/],
    [['archive:run', 'orders', '--no-such-option'], /unknown option '--no-such-option'/],
    [[], /Usage:/],
  ])('%j is bad usage: exit 2 with a message', async (args, message) => {
    const result = await cli.run(args, { env });
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toMatch(message);
  });

  it('refuses a short password before touching any database, without echoing it', async () => {
    const result = await cli.run(['user:create-admin', 'ops', '--password', 'short7!'], { env });
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('password must be 8 to 256 characters long');
    expect(result.stdout + result.stderr).not.toContain('short7!');
  });

  it('fails with exit 1 and a message without the password when the database is unreachable', async () => {
    const result = await cli.run(['policy:list'], { env: { ...env, DB_CONNECT_ATTEMPTS: '1' } });
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toMatch(/^error: .*ECONNREFUSED/m);
    expect(result.stdout + result.stderr).not.toContain('secret-password');
    // Human-readable lines, not JSON log records.
    expect(result.stderr).not.toMatch(/^\{/m);
  });
});

describeMariaDb('CLI with one database reachable and another not', () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
  });

  afterAll(() => databases?.drop());

  it('fails with exit 1 instead of hanging on the connection it did open', async () => {
    const result = await cli.run(['policy:list'], {
      env: {
        CONTROL_DB_URL: databases.env.CONTROL_DB_URL,
        SOURCE_DB_URL: 'mysql://das:pw@127.0.0.1:1/das_source',
        ARCHIVE_DB_URL: 'mysql://das:pw@127.0.0.1:1/das_archive',
        DB_CONNECT_ATTEMPTS: '1',
      },
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({ code: 1, signal: null, stderr: expect.stringMatching(/^error: .*ECONNREFUSED/m) });
  });
});

describeEachEngine('CLI migrate', (engine) => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
  });

  afterAll(() => databases?.drop());

  it('creates the control tables on a fresh database, then says it is up to date', async () => {
    const first = await cli.run(['migrate'], { env: databases.env });
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/applied InitialSchema\d+/);
    const [row] = await databases.control<{ n: unknown }>('SELECT COUNT(*) AS n FROM policies');
    expect(Number(row.n)).toBe(0);

    const second = await cli.run(['migrate'], { env: databases.env });
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/already up to date \(\d+ migrations applied\)/);
    expect(second.stdout).not.toContain('applied InitialSchema');

    // Forget the last one (it changes nothing that is not already so when applied again).
    await databases.control("DELETE FROM das_migrations WHERE name LIKE 'RunTimesInMilliseconds%'");
    const third = await cli.run(['migrate'], { env: databases.env });
    expect(third).toMatchObject({ code: 0 });
    expect(third.stdout).toMatch(/: 1 migration applied, now up to date/);
  });
});

describeEachEngine('CLI commands', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;
  const runCli = (args: string[], options: CliRunOptions = {}) =>
    cli.run(args, { ...options, env: { ...databases.env, ...options.env } });

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    app = await startTestApp(databases);
    admin = caller(app, await app.adminToken());
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  describe('users', () => {
    it('user:create-admin --password creates an admin who can log in', async () => {
      const result = await runCli(['user:create-admin', 'ops-one', '--password', 'ops-one-password']);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toContain('created admin "ops-one"');

      const me = await caller(app, await app.login('ops-one', 'ops-one-password')).get('/api/v1/auth/me');
      expect(me.body).toMatchObject({ username: 'ops-one', role: 'admin' });
      const audit = await admin.get('/api/v1/audit?action=user.create-admin&actor=cli');
      expect(audit.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ actor: 'cli', action: 'user.create-admin' })]),
      );
    });

    it('user:create-admin reads the password from the first line of stdin and never prints it', async () => {
      const result = await runCli(['user:create-admin', 'ops-two'], { input: 'ops-two-password\nnot part of it\n' });
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout + result.stderr).not.toContain('ops-two-password');
      await expect(app.login('ops-two', 'ops-two-password')).resolves.toEqual(expect.any(String));
    });

    it('user:create-admin without any password, or with a taken name, fails with a message', async () => {
      const noPassword = await runCli(['user:create-admin', 'ops-three']);
      expect(noPassword).toMatchObject({ code: 2 });
      expect(noPassword.stderr).toContain('no password given');

      const taken = await runCli(['user:create-admin', 'ops-one', '--password', 'another-password']);
      expect(taken).toMatchObject({ code: 1 });
      expect(taken.stderr).toContain('Username "ops-one" is already taken');
    });

    it("user:grant adds tables to the user's permissions, carried by their next token", async () => {
      await databases.source('CREATE TABLE second_table (id INT PRIMARY KEY)');
      await databases.source('CREATE TABLE third_table (id INT PRIMARY KEY)');
      await app.createUser('reader', ['first_table']);
      const result = await runCli(['user:grant', 'reader', 'second_table', 'third_table']);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toContain('"reader" may now read: first_table, second_table, third_table');

      const me = await caller(app, await app.login('reader', 'user-password-123')).get('/api/v1/auth/me');
      expect(me.body.permissions).toEqual(['first_table', 'second_table', 'third_table']);
    });

    it('user:grant to an unknown user is bad usage', async () => {
      const result = await runCli(['user:grant', 'nobody-here', 'orders']);
      expect(result).toMatchObject({ code: 2 });
      expect(result.stderr).toContain('No user named "nobody-here"');
    });

    it('user:grant of a table with no policy and not in the source is bad usage, unless --allow-missing', async () => {
      await app.createUser('planner');
      const refused = await runCli(['user:grant', 'planner', 'nosuchtable']);
      expect(refused).toMatchObject({ code: 2 });
      expect(refused.stderr).toMatch(/table "nosuchtable" has no policy and does not exist in any source connection/);

      const granted = await runCli(['user:grant', 'planner', 'nosuchtable', '--allow-missing']);
      expect(granted).toMatchObject({ code: 0 });
      const [row] = await databases.control<{ permissions: string }>(
        'SELECT permissions FROM users WHERE username = ?',
        ['planner'],
      );
      expect(JSON.parse(row.permissions)).toEqual(['nosuchtable']);
    });

    it('user:disable ends the logins and, within the default 5 s, the tokens the service checks; user:enable undoes it', async () => {
      const token = await app.createUser('napper');
      const me = () => caller(app, token).get('/api/v1/auth/me');
      expect((await me()).status).toBe(200);

      const disabled = await runCli(['user:disable', 'napper']);
      const changedAt = Date.now();
      expect(disabled).toMatchObject({ code: 0 });
      expect(disabled.stdout).toContain('disabled "napper"');
      await expect(app.login('napper', 'user-password-123')).rejects.toThrow(/403/);
      // The CLI is another process: the service learns of it from the control database once its
      // token cache (TOKEN_CHECK_CACHE_MS, 5 s by default) has passed.
      await new Promise((resolveWait) => setTimeout(resolveWait, Math.max(0, changedAt + 5000 + 250 - Date.now())));
      expect((await me()).status).toBe(401);

      expect(await runCli(['user:enable', 'napper'])).toMatchObject({ code: 0 });
      await expect(app.login('napper', 'user-password-123')).resolves.toEqual(expect.any(String));
    });

    it('user:delete deletes a user; the last enabled admin is refused', async () => {
      await app.createUser('leaver');
      const deleted = await runCli(['user:delete', 'leaver']);
      expect(deleted).toMatchObject({ code: 0 });
      expect(await databases.control('SELECT id FROM users WHERE username = ?', ['leaver'])).toEqual([]);

      const unknown = await runCli(['user:delete', 'leaver']);
      expect(unknown).toMatchObject({ code: 2 });
      expect(unknown.stderr).toContain('No user named "leaver"');
    });

    it('user:disable and user:delete refuse the only enabled admin', async () => {
      const onlyAdmin = await databases.control<{ username: string }>(
        "SELECT username FROM users WHERE role = 'admin' ORDER BY id",
      );
      // ops-one and ops-two were created above: disable them so that the bootstrap admin is the only one left.
      for (const { username } of onlyAdmin.slice(1)) {
        expect(await runCli(['user:disable', username])).toMatchObject({ code: 0 });
      }
      for (const command of ['user:disable', 'user:delete']) {
        const refused = await runCli([command, onlyAdmin[0].username]);
        expect(refused).toMatchObject({ code: 1 });
        expect(refused.stderr).toMatch(/is the only admin/);
      }
      for (const { username } of onlyAdmin.slice(1)) {
        expect(await runCli(['user:enable', username])).toMatchObject({ code: 0 });
      }
    });
  });

  describe('policies and jobs', () => {
    it('policy:list shows each policy as a row of a table', async () => {
      await createDatedTable(databases, 'cli_listed', { old: 1 });
      await savePolicy(admin, 'cli_listed', {
        batchSize: 250,
        criteria: [{ column: 'customer_id', op: '>', value: 0 }],
      });
      const result = await runCli(['policy:list']);
      expect(result).toMatchObject({ code: 0 });
      const [header, ...rows] = result.stdout.trim().split('\n');
      expect(header.split(/\s{2,}/)).toEqual([
        'TABLE',
        'DATE COLUMN',
        'ARCHIVE AFTER',
        'DELETE AFTER',
        'CRITERIA',
        'BATCH SIZE',
        'ENABLED',
      ]);
      const row = rows.find((line) => line.startsWith('cli_listed '));
      expect(row?.split(/\s{2,}/)).toEqual(['cli_listed', 'created_at', '30 days', '50 days', '1', '250', 'yes']);
    });

    it('archive:run --lanes 2 moves the same rows, two key ranges at once where the server allows', async () => {
      await createDatedTable(databases, 'cli_laned', { old: 250, recent: 40 });
      await savePolicy(admin, 'cli_laned');
      const before = await contentEverywhere(databases, 'cli_laned');

      const result = await runCli(['archive:run', 'cli_laned', '--batch-size', '50', '--lanes', '2']);
      expect(result).toMatchObject({ code: 0 });
      expect(await rowCount(databases, 'archive', 'cli_laned')).toBe(250);
      expect(await contentEverywhere(databases, 'cli_laned')).toEqual(before);
      const run = await getRun(admin, runIdIn(result));
      expect(run).toMatchObject({ status: 'succeeded', rowsArchived: 250 });
      expect(run.details?.lanes).toBe(engine === 'mysql' ? 2 : undefined);
    });

    it('archive:run moves the qualifying rows, with the plan first and a summary last', async () => {
      await createDatedTable(databases, 'cli_archived', { old: 250, recent: 40 });
      await savePolicy(admin, 'cli_archived');
      const before = await contentEverywhere(databases, 'cli_archived');

      const result = await runCli(['archive:run', 'cli_archived', '--batch-size', '100']);
      expect(result).toMatchObject({ code: 0 });
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^archive "cli_archived": 250 rows with created_at before \S+ \(older than 30 days\)/);
      expect(lines[lines.length - 1]).toMatch(/^succeeded: 250 rows archived in 3 batches, [\d.]+s.* \(run \d+\)$/);
      expect(await rowCount(databases, 'source', 'cli_archived')).toBe(40);
      expect(await rowCount(databases, 'archive', 'cli_archived')).toBe(250);
      expect(await contentEverywhere(databases, 'cli_archived')).toEqual(before);

      const run = await getRun(admin, runIdIn(result));
      expect(run).toMatchObject({
        status: 'succeeded',
        trigger: 'cli',
        requestedBy: 'cli',
        rowsArchived: 250,
        batches: 3,
      });
    });

    it('archive:run --dry-run changes nothing and says what would happen', async () => {
      await createDatedTable(databases, 'cli_dry', { old: 120, recent: 10 });
      await savePolicy(admin, 'cli_dry');
      const before = await contentEverywhere(databases, 'cli_dry');

      const result = await runCli(['archive:run', 'cli_dry', '--dry-run']);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(
        /^dry run of archive "cli_dry": 120 rows .* would move to the archive; nothing will be changed/m,
      );
      expect(result.stdout).toMatch(/^dry run succeeded: 120 rows would be archived in 1 batch; nothing was changed/m);
      expect(await rowCount(databases, 'source', 'cli_dry')).toBe(130);
      expect(await rowCount(databases, 'archive', 'cli_dry')).toBe(0);
      expect(await contentEverywhere(databases, 'cli_dry')).toEqual(before);
      expect(await getRun(admin, runIdIn(result))).toMatchObject({ dryRun: true, rowsArchived: 0 });
    });

    it('purge:run deletes exactly the archived rows past deleteAfterDays', async () => {
      // 60 days old: archived and expired (deleteAfterDays 50); 40 days old: archived, kept.
      await createDatedTable(databases, 'cli_purged', { old: 30 });
      await databases.source(
        `INSERT INTO cli_purged (id, customer_id, note, created_at) VALUES ${Array.from({ length: 20 }, () => '(?, ?, ?, ?)').join(', ')}`,
        Array.from({ length: 20 }, (_, index) => [101 + index, 1, 'kept', daysAgo(40)]).flat(),
      );
      await savePolicy(admin, 'cli_purged');
      expect(await runCli(['archive:run', 'cli_purged'])).toMatchObject({ code: 0 });
      expect(await rowCount(databases, 'archive', 'cli_purged')).toBe(50);

      const dry = await runCli(['purge:run', 'cli_purged', '--dry-run']);
      expect(dry).toMatchObject({ code: 0 });
      expect(dry.stdout).toContain('30 archived rows');
      expect(await rowCount(databases, 'archive', 'cli_purged')).toBe(50);

      const result = await runCli(['purge:run', 'cli_purged', '--batch-size', '7']);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(
        /^purge "cli_purged": 30 archived rows with created_at before \S+ \(older than 50 days\)/m,
      );
      expect(result.stdout).toMatch(/^succeeded: 30 rows purged in 5 batches/m);
      const left = await databases.archive<{ id: unknown }>('SELECT id FROM cli_purged ORDER BY id');
      expect(left.map((row) => Number(row.id))).toEqual(Array.from({ length: 20 }, (_, index) => 101 + index));
    });

    it('a table without a policy is bad usage (exit 2)', async () => {
      const result = await runCli(['archive:run', 'no_such_table']);
      expect(result).toMatchObject({ code: 2 });
      expect(result.stderr).toContain('no policy for table "no_such_table"');
    });

    it('a run that fails exits 1 with the error, and is recorded as failed', async () => {
      await createDatedTable(databases, 'cli_broken', { old: 10 });
      await savePolicy(admin, 'cli_broken');
      // The policy was valid when saved; the source table changed since.
      await databases.source('ALTER TABLE cli_broken DROP COLUMN created_at');

      const result = await runCli(['archive:run', 'cli_broken']);
      expect(result).toMatchObject({ code: 1 });
      expect(result.stderr).toMatch(/^error: .*no longer matches the source table/m);
      expect(result.stdout).toMatch(/^failed: 0 rows archived/m);
      const run = await getRun(admin, runIdIn(result));
      expect(run).toMatchObject({ status: 'failed', trigger: 'cli' });
      expect(run.error).toContain('no longer matches');
    });

    it('a job whose lease another process holds is skipped (exit 3), nothing done', async () => {
      await createDatedTable(databases, 'cli_leased', { old: 10 });
      await savePolicy(admin, 'cli_leased');
      const leases = app.app.get<DataSource>(getDataSourceToken(CONTROL_DB)).getRepository(JobLease);
      const now = Date.now();
      await leases.insert({
        name: 'archive:cli_leased',
        owner: 'another-host:4242:cafe',
        runId: null,
        acquiredAt: new Date(now),
        expiresAt: new Date(now + 600_000),
      });
      try {
        const result = await runCli(['archive:run', 'cli_leased']);
        expect(result).toMatchObject({ code: 3 });
        expect(result.stdout).toMatch(
          /^skipped: archive of "cli_leased" is already running: .*another-host:4242:cafe/m,
        );
        expect(await rowCount(databases, 'source', 'cli_leased')).toBe(10);
        expect(await getRun(admin, runIdIn(result))).toMatchObject({ status: 'skipped', trigger: 'cli' });
      } finally {
        await leases.delete({ name: 'archive:cli_leased' });
      }
    });

    /** Starts a slow archive run (30 batches, 200 ms apart) and resolves once its first batch is done. */
    async function startSlowRun(table: string) {
      await createDatedTable(databases, table, { old: 300 });
      await savePolicy(admin, table);
      const running = cli.start(['archive:run', table, '--batch-size', '10', '--sleep', '200'], { env: databases.env });
      // The first batch prints a progress line at once (stdout is not a terminal here).
      await waitFor('the first progress line', async () => /rows\/s/.test(running.stdout()), 30_000);
      return running;
    }

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)(
      '%s stops a slow run after its current batch: exit %d, recorded, lease released, no row lost',
      async (signal, exitCode) => {
        const table = `cli_${signal.toLowerCase()}`;
        const running = await startSlowRun(table);
        const before = await contentEverywhere(databases, table);
        const signalled = Date.now();
        running.child.kill(signal);
        const result = await running.exited;

        expect(Date.now() - signalled).toBeLessThan(5_000);
        expect(result).toMatchObject({ code: exitCode });
        expect(result.stderr).toContain('stopping after the current batch');
        expect(result.stdout).toMatch(/^interrupted: \d+ rows archived in \d+ batch(es)?, .*\(run \d+\)/m);
        const run = await getRun(admin, runIdIn(result));
        expect(run.status).toBe('stopped');
        expect(run.finishedAt).not.toBeNull();
        const archived = await rowCount(databases, 'archive', table);
        expect(archived).toBe(run.rowsArchived);
        expect(archived).toBeGreaterThan(0);
        expect(archived).toBeLessThan(300);
        expect(await contentEverywhere(databases, table)).toEqual(before);

        // The lease was released: the next run is not skipped.
        const next = await runCli(['archive:run', table, '--dry-run']);
        expect(next).toMatchObject({ code: 0, stdout: expect.stringContaining('dry run succeeded') });
      },
    );

    it('prints nothing secret and no JSON log lines', async () => {
      const result = await runCli(['policy:list'], {
        env: { LOG_LEVEL: 'info', JWT_SECRET: 'a-jwt-secret-that-must-not-show' },
      });
      expect(result).toMatchObject({ code: 0 });
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toContain('a-jwt-secret-that-must-not-show');
      if (engine === 'mysql') {
        const password = decodeURIComponent(new URL(databases.env.CONTROL_DB_URL).password);
        if (password) {
          expect(result.stdout + result.stderr).not.toContain(password);
        }
      }
    });
  });
});

describe('CLI connections', () => {
  const encryptionKey = randomBytes(32).toString('base64');
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;
  const runCli = (args: string[], options: CliRunOptions = {}) =>
    cli.run(args, { ...options, env: { ...databases.env, ENCRYPTION_KEY: encryptionKey, ...options.env } });

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    app = await startTestApp(databases, { ENCRYPTION_KEY: encryptionKey });
    admin = caller(app, await app.adminToken());
    // A second SQLite source with a table of its own.
    const side = new Database(join(databases.baseDir, 'side.sqlite'));
    side.exec(
      'CREATE TABLE side_orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, note TEXT, created_at DATETIME)',
    );
    const insert = side.prepare('INSERT INTO side_orders VALUES (?, ?, ?, ?)');
    for (let id = 1; id <= 10; id++) {
      insert.run(id, id, `side ${id}`, daysAgo(id <= 8 ? 60 : 5));
    }
    side.close();
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('connection:add refuses a password on the command line, without repeating it', async () => {
    const result = await runCli([
      'connection:add',
      'shop',
      '--role',
      'source',
      '--url',
      'mysql://das:Argv-Pw-77@db.internal/shop',
    ]);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toMatch(/^error: the URL holds a password: leave it out of the command line/m);
    expect(result.stdout + result.stderr).not.toContain('Argv-Pw-77');
    expect((await admin.get('/api/v1/connections/shop')).status).toBe(404);
  });

  it('connection:add reads the password from stdin (or CONNECTION_PASSWORD) and stores it encrypted', async () => {
    const fromStdin = await runCli(
      ['connection:add', 'shop', '--role', 'source', '--url', 'mysql://das@db.internal:3306/shop'],
      {
        input: 'Stdin-Pw-88\n',
      },
    );
    expect(fromStdin).toMatchObject({ code: 0 });
    expect(fromStdin.stdout).toContain(
      'added source connection "shop" (db.internal:3306/shop, password stored encrypted)',
    );
    const fromEnv = await runCli(
      [
        'connection:add',
        'vault',
        '--role',
        'archive',
        '--engine',
        'mariadb',
        '--host',
        'vault.internal',
        '--database',
        'archive',
        '--user',
        'das',
        '--option',
        'connectionLimit=2',
      ],
      { env: { CONNECTION_PASSWORD: 'Env-Pw-99' } },
    );
    expect(fromEnv).toMatchObject({ code: 0 });
    expect((await admin.get('/api/v1/connections/vault')).body).toMatchObject({
      hasPassword: true,
      options: { connectionLimit: 2 },
    });
    const [row] = await databases.control<{ password_encrypted: string }>(
      "SELECT password_encrypted FROM connections WHERE name = 'shop'",
    );
    expect(row.password_encrypted).toMatch(/^v1\./);
    const output = [fromStdin, fromEnv].map((result) => result.stdout + result.stderr).join('');
    expect(output).not.toMatch(/Stdin-Pw-88|Env-Pw-99/);
    expect(row.password_encrypted).not.toMatch(/Stdin-Pw-88/);
  });

  it('archive:run --connection runs the policy of another connection; connection:list and connection:test show them', async () => {
    const added = await runCli(['connection:add', 'side', '--role', 'source', '--url', 'sqlite:side.sqlite'], {
      cwd: databases.baseDir,
    });
    expect(added).toMatchObject({ code: 0 });
    await savePolicy(admin, 'side_orders', { sourceConnection: 'side' });

    const run = await runCli(['archive:run', 'side_orders', '--connection', 'side']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/archive "side\/side_orders": 8 rows/);
    expect(await getRun(admin, runIdIn(run))).toMatchObject({
      status: 'succeeded',
      rowsArchived: 8,
      sourceConnection: 'side',
    });
    expect(await rowCount(databases, 'archive', 'side_orders')).toBe(8);

    const listed = await runCli(['connection:list']);
    expect(listed).toMatchObject({ code: 0 });
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(rows[0]).toEqual(['NAME', 'ROLE', 'ENGINE', 'WHERE', 'USER', 'PASSWORD', 'BUILT-IN', 'USED BY']);
    expect(rows.find((cells) => cells[0] === 'side')).toEqual([
      'side',
      'source',
      'sqlite',
      join(databases.baseDir, 'side.sqlite'),
      '-',
      'none',
      'no',
      'side/side_orders',
    ]);
    expect(rows.find((cells) => cells[0] === 'shop')?.slice(5, 7)).toEqual(['stored', 'no']);

    const policies = await runCli(['policy:list']);
    expect(
      policies.stdout
        .split('\n')[0]
        .split(/\s{2,}/)
        .slice(-2),
    ).toEqual(['SOURCE', 'ARCHIVE']);
    expect(policies.stdout).toMatch(/^side_orders\s.*\syes\s+side\s+archive$/m);

    const ok = await runCli(['connection:test', 'side']);
    expect(ok).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('connection "side" works as a source connection'),
    });
    const unreachable = await runCli(['connection:test', 'shop']);
    expect(unreachable).toMatchObject({ code: 1 });
    expect(unreachable.stdout).toMatch(/^FAIL {2}dns/m);
    expect(unreachable.stdout + unreachable.stderr).not.toContain('Stdin-Pw-88');
  });

  it('connection:remove refuses a connection in use, naming its policies, and removes an unused one', async () => {
    const inUse = await runCli(['connection:remove', 'side']);
    expect(inUse).toMatchObject({ code: 1 });
    expect(inUse.stderr).toContain('error: connection "side" is used by 1 policy: side/side_orders');
    const removed = await runCli(['connection:remove', 'shop']);
    expect(removed).toMatchObject({ code: 0, stdout: 'removed connection "shop"\n' });
    expect(await runCli(['connection:remove', 'shop'])).toMatchObject({ code: 2 });
  });
});
