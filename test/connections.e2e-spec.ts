import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../tools/throwaway-mariadb';
import {
  AdminClient,
  ConnectionTarget,
  ROLE_GRANTS,
  addConnection,
  adminClient,
  createConnectionTarget,
  newEncryptionKey,
} from './support/connection-fixtures';
import { testMysqlUrl } from './support/mariadb-test-server';
import { TestApp, startTestApp, useTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine, describeMariaDb } from './support/test-databases';

interface Check {
  check: string;
  ok: boolean;
  message: string;
}

describeEachEngine('the connections API', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: AdminClient;
  useTestApp(engine, (started) => ({ databases, app } = started), { ENCRYPTION_KEY: newEncryptionKey() });

  beforeAll(async () => {
    admin = adminClient(app, await app.adminToken());
  });

  it('lists the built-in source and archive, read-only', async () => {
    const response = await admin.get('/api/v1/connections');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      expect.objectContaining({
        name: 'source',
        role: 'source',
        builtIn: true,
        configuredBy: 'SOURCE_DB_URL',
        poolOpen: true,
      }),
      expect.objectContaining({ name: 'archive', role: 'archive', builtIn: true, configuredBy: 'ARCHIVE_DB_URL' }),
    ]);
    for (const name of ['source', 'archive']) {
      const put = await admin.put(`/api/v1/connections/${name}`, { role: name, url: 'sqlite:x.sqlite' });
      expect(put.status).toBe(409);
      expect(put.body.message).toMatch(
        new RegExp(`"${name}" is a built-in connection, configured by ${name.toUpperCase()}_DB_URL`),
      );
      expect((await admin.delete(`/api/v1/connections/${name}`)).status).toBe(409);
    }
    const taken = await admin.post('/api/v1/connections', { name: 'archive', role: 'archive', url: 'sqlite:y.sqlite' });
    expect(taken.status).toBe(409);
  });

  it('adds, reads, replaces and removes a connection, each change audited', async () => {
    const path = join(databases.baseDir, 'extra-archive.sqlite');
    await addConnection(admin, { name: 'extra', role: 'archive', url: `sqlite:${path}` });
    const created = await admin.get('/api/v1/connections/extra');
    expect(created.body).toMatchObject({
      name: 'extra',
      role: 'archive',
      engine: 'sqlite',
      database: path,
      version: 1,
      hasPassword: false,
      usedBy: [],
      poolOpen: false,
    });

    const replaced = await admin.put('/api/v1/connections/extra', {
      role: 'archive',
      engine: 'sqlite',
      database: `${path}.2`,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ database: `${path}.2`, version: 2 });

    expect(
      (await admin.post('/api/v1/connections', { name: 'extra', role: 'archive', url: `sqlite:${path}` })).status,
    ).toBe(409);
    expect((await admin.delete('/api/v1/connections/extra')).status).toBe(204);
    expect((await admin.get('/api/v1/connections/extra')).status).toBe(404);
    expect((await admin.delete('/api/v1/connections/extra')).status).toBe(404);

    const audit = await admin.get('/api/v1/audit?connection=extra');
    expect((audit.body as Array<{ action: string }>).map((entry) => entry.action)).toEqual([
      'connection.delete',
      'connection.update',
      'connection.create',
    ]);
  });

  it.each([
    [{ name: 'bad name', role: 'source', url: 'sqlite:a.sqlite' }, /a connection name is 1 to 32 characters/],
    [{ name: 'ok', role: 'reader', url: 'sqlite:a.sqlite' }, /role must be one of: source, archive/],
    [{ name: 'ok', role: 'source' }, /give a url, or an engine/],
    [{ name: 'ok', role: 'source', url: 'postgres://u:Hidden-Pw-9@h/db' }, /url must look like mysql:/],
    [
      { name: 'ok', role: 'source', engine: 'mysql', host: 'h', database: 'd', user: 'u', options: { flags: 'x' } },
      /option flags is not supported/,
    ],
    [{ name: 'ok', role: 'source', url: 'sqlite:a.sqlite', secret: 'x' }, /property secret should not exist/],
  ])('refuses %j with 400 saying what to fix', async (body, message) => {
    const response = await admin.post('/api/v1/connections', body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(message);
    expect(response.text).not.toContain('Hidden-Pw-9');
  });

  it('tests a SQLite connection: a missing source file is named', async () => {
    const missing = join(databases.baseDir, 'missing.sqlite');
    await addConnection(admin, { name: 'gone', role: 'source', url: `sqlite:${missing}` });
    const response = await admin.post('/api/v1/connections/gone/test');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'gone',
      ok: false,
      checks: [{ check: 'file', ok: false, message: `the SQLite file ${missing} does not exist` }],
      error: `the SQLite file ${missing} does not exist`,
    });
    writeFileSync(missing, '');
    const present = await admin.post('/api/v1/connections/gone/test');
    expect(present.body.ok).toBe(true);
    expect((present.body.checks as Check[]).map((check) => check.check)).toEqual(['file', 'database', 'privileges']);
  });
});

describe('a password without ENCRYPTION_KEY', () => {
  let databases: TestDatabases;
  let app: TestApp;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    app = await startTestApp(databases);
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('is refused with 409 naming the variable, and nothing is stored', async () => {
    const admin = adminClient(app, await app.adminToken());
    const response = await admin.post('/api/v1/connections', {
      name: 'shop',
      role: 'source',
      url: 'mysql://das:Unstorable-Pw-1@db.internal/shop',
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/^ENCRYPTION_KEY is not set, and connection "shop" has a password/);
    expect(response.text).not.toContain('Unstorable-Pw-1');
    expect((await admin.get('/api/v1/connections/shop')).status).toBe(404);
    // Without a password, no key is needed.
    await addConnection(admin, { name: 'shop', role: 'source', url: 'mysql://das@db.internal/shop' });
  });
});

/** POST /connections/{name}/test against a real server: each way a connection can fail is named. */
describeMariaDb('testing a connection [mariadb]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: AdminClient;
  const targets: ConnectionTarget[] = [];
  const target = async (label: string, grants: string) => {
    const created = await createConnectionTarget(testMysqlUrl() ?? '', label, grants);
    targets.push(created);
    return created;
  };

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    app = await startTestApp(databases, { ENCRYPTION_KEY: newEncryptionKey() });
    admin = adminClient(app, await app.adminToken());
  });

  afterAll(async () => {
    await app?.close();
    for (const created of targets) {
      await created.drop();
    }
    await databases?.drop();
  });

  const test = async (name: string) => {
    const response = await admin.post(`/api/v1/connections/${name}/test`);
    expect(response.status).toBe(200);
    return response;
  };

  it('passes every check of a connection that has the privileges its role needs', async () => {
    const source = await target('tsrc', ROLE_GRANTS.source);
    const archive = await target('tarc', ROLE_GRANTS.archive);
    await addConnection(admin, { name: 'good_source', role: 'source', url: source.url });
    await addConnection(admin, { name: 'good_archive', role: 'archive', url: archive.url });
    for (const name of ['good_source', 'good_archive', 'source', 'archive']) {
      const response = await test(name);
      expect(response.body).toMatchObject({ name, ok: true, error: null });
      expect((response.body.checks as Check[]).map((check) => [check.check, check.ok])).toEqual([
        ['dns', true],
        ['connect', true],
        ['login', true],
        ['database', true],
        ['privileges', true],
      ]);
    }
  });

  it('names missing privileges for the role: SELECT and DELETE on a source, CREATE, INSERT… on an archive', async () => {
    const readOnly = await target('tro', 'SELECT');
    const insertOnly = await target('tins', 'SELECT, INSERT');
    await addConnection(admin, { name: 'read_only', role: 'source', url: readOnly.url });
    await addConnection(admin, { name: 'insert_only', role: 'archive', url: insertOnly.url });
    const source = await test('read_only');
    expect(source.body.ok).toBe(false);
    expect(source.body.error).toBe(
      `missing DELETE on "${readOnly.schema}": a source connection needs SELECT, DELETE (GRANT DELETE ON \`${readOnly.schema}\`.* TO …)`,
    );
    const archive = await test('insert_only');
    expect(archive.body.error).toMatch(
      /^missing UPDATE, DELETE, CREATE, ALTER on "[^"]+": an archive connection needs/,
    );
  });

  it('names a wrong password, an unknown database, a port where nothing listens and an unknown host', async () => {
    const victim = await target('tbad', ROLE_GRANTS.source);
    const wrongPassword = 'Not-The-Password-31';
    const port = await freePort();
    await addConnection(admin, {
      name: 'bad_login',
      role: 'source',
      url: victim.url.replace(encodeURIComponent(victim.password), wrongPassword),
    });
    await addConnection(admin, {
      name: 'bad_database',
      role: 'source',
      url: victim.url.replace(`/${victim.schema}`, '/no_such_database_here'),
    });
    await addConnection(admin, {
      name: 'bad_port',
      role: 'source',
      url: `mysql://x:${wrongPassword}@127.0.0.1:${port}/db`,
    });
    await addConnection(admin, {
      name: 'bad_host',
      role: 'source',
      url: `mysql://x:${wrongPassword}@no-such-host.invalid:3306/db`,
    });

    const login = await test('bad_login');
    expect(login.body.checks.at(-1)).toEqual({
      check: 'login',
      ok: false,
      message: `access denied for user "${victim.user}": wrong password, or the user may not connect from DAS's host (ER_ACCESS_DENIED_ERROR)`,
    });
    const database = await test('bad_database');
    expect(database.body.checks.at(-1)).toMatchObject({ check: 'database', ok: false });
    expect(database.body.error).toMatch(/"no_such_database_here"/);
    const refused = await test('bad_port');
    expect(refused.body.checks.at(-1)).toEqual({
      check: 'connect',
      ok: false,
      message: `connection refused: nothing listens on 127.0.0.1:${port} (ECONNREFUSED)`,
    });
    const host = await test('bad_host');
    expect(host.body.checks).toEqual([
      { check: 'dns', ok: false, message: expect.stringContaining('"no-such-host.invalid"') },
    ]);
    for (const response of [login, database, refused, host]) {
      expect(response.text).not.toContain(wrongPassword);
      expect(response.text).not.toContain(victim.password);
    }
  });

  it('keeps a stored password when a change leaves it out, and serves the new settings at once', async () => {
    const moved = await target('tmov', ROLE_GRANTS.source);
    await addConnection(admin, {
      name: 'moving',
      role: 'source',
      url: moved.url.replace(`/${moved.schema}`, '/wrong_schema'),
    });
    expect((await test('moving')).body.ok).toBe(false);
    const put = await admin.put('/api/v1/connections/moving', {
      role: 'source',
      engine: 'mariadb',
      host: moved.host,
      port: moved.port,
      database: moved.schema,
      user: moved.user,
      options: { connectionLimit: 2 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      engine: 'mariadb',
      database: moved.schema,
      hasPassword: true,
      version: 2,
      options: { connectionLimit: 2 },
    });
    expect((await test('moving')).body.ok).toBe(true);
  });
});
