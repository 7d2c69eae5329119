import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsersService } from '../src/users/users.service';
import { ADMIN_ROUTES, AdminRoute, adminRoutePath } from './support/admin-routes';
import { TEST_ADMIN, TestApp, useTestApp } from './support/test-app';
import { TestDatabases, describeEachEngine } from './support/test-databases';

const PASSWORD = 'user-password-123';

describeEachEngine('users administration', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let adminToken: string;

  useTestApp(engine, (started) => ({ databases, app } = started));
  beforeAll(async () => {
    adminToken = await app.adminToken();
  });

  const asAdmin = {
    get: (path: string) => app.http().get(path).set('Authorization', `Bearer ${adminToken}`),
    put: (path: string, body: object) => app.http().put(path).set('Authorization', `Bearer ${adminToken}`).send(body),
    post: (path: string, body: object) => app.http().post(path).set('Authorization', `Bearer ${adminToken}`).send(body),
  };
  const me = (token: string) => app.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const send = (route: AdminRoute, self: string, token?: string) => {
    const request = app.http()[route.method](adminRoutePath(route, self));
    if (token !== undefined) {
      request.set('Authorization', `Bearer ${token}`);
    }
    return route.body === undefined ? request : request.send(route.body);
  };

  describe('admin-only routes', () => {
    let userToken: string;

    beforeAll(async () => {
      userToken = await app.createUser('plain');
    });

    it.each(ADMIN_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
      '%s answers a signed-in non-admin with 403',
      async (_name, route) => {
        const response = await send(route, 'plain', userToken);

        expect(response.status).toBe(403);
        expect(response.body.message).toMatch(/needs the role admin/);
      },
    );

    it.each(ADMIN_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
      '%s answers a caller without a token with 401',
      async (_name, route) => {
        expect((await send(route, 'plain')).status).toBe(401);
      },
    );

    it('left the refused caller exactly as it was', async () => {
      const [row] = await databases.control<{ role: string; permissions: string }>(
        'SELECT role, permissions FROM users WHERE username = ?',
        ['plain'],
      );
      expect(row).toEqual({ role: 'user', permissions: '[]' });
    });
  });

  it('lists users with role, permissions and state, never a password hash', async () => {
    await app.createUser('lister', ['orders']);

    const response = await asAdmin.get('/api/v1/users');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.arrayContaining([
        { id: expect.any(Number), username: TEST_ADMIN.username, role: 'admin', permissions: [], disabled: false },
        { id: expect.any(Number), username: 'lister', role: 'user', permissions: ['orders'], disabled: false },
      ]),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/hash|argon2/i);
  });

  describe('table permissions', () => {
    beforeAll(async () => {
      for (const table of ['orders', 'customers', 'invoices', 'later_dropped']) {
        await databases.source(`CREATE TABLE ${table} (id INT PRIMARY KEY, created_at DATETIME)`);
      }
      // A table that keeps its policy after the table itself is gone: still grantable.
      await asAdmin
        .post('/api/v1/policies', {
          tableName: 'later_dropped',
          dateColumn: 'created_at',
          archiveAfterDays: 30,
          deleteAfterDays: 60,
        })
        .expect(201);
      await databases.source('DROP TABLE later_dropped');
    });

    it("replace the user's list; older tokens end, the next token carries the new list", async () => {
      const oldToken = await app.createUser('reader');

      const granted = await asAdmin.put('/api/v1/users/reader/permissions', { tables: ['orders', 'customers'] });

      expect(granted.status).toBe(200);
      expect(granted.body).toEqual({
        id: expect.any(Number),
        username: 'reader',
        role: 'user',
        permissions: ['orders', 'customers'],
        disabled: false,
      });
      expect((await me(oldToken)).status).toBe(401);
      const newToken = await app.login('reader', PASSWORD);
      expect((await me(newToken)).body.permissions).toEqual(['orders', 'customers']);

      const replaced = await asAdmin.put('/api/v1/users/reader/permissions', { tables: ['invoices', 'invoices'] });
      expect(replaced.body.permissions).toEqual(['invoices']);
      expect((await me(await app.login('reader', PASSWORD))).body.permissions).toEqual(['invoices']);
    });

    it('can be added to with UsersService.grant (the CLI path), keeping existing ones', async () => {
      await app.createUser('granted', ['orders']);
      const users = app.app.get(UsersService);

      await users.grant('granted', ['customers', 'orders']);
      const result = await users.grant('granted', ['invoices']);

      expect(result.permissions).toEqual(['orders', 'customers', 'invoices']);
      expect((await me(await app.login('granted', PASSWORD))).body.permissions).toEqual([
        'orders',
        'customers',
        'invoices',
      ]);
      await expect(users.grant('granted', ['no spaces allowed'])).rejects.toThrow(/each table name must be/);
    });

    it('grant a table that only has a policy left', async () => {
      await app.createUser('historian');
      const response = await asAdmin.put('/api/v1/users/historian/permissions', { tables: ['later_dropped'] });
      expect(response.status).toBe(200);
      expect(response.body.permissions).toEqual(['later_dropped']);
    });

    it.each(['nosuchtable', 'sqlite_master', 'sqlite_sequence', '__proto__', 'null', 'Orders'])(
      'refuse %p, which has no policy and is no table of the source, with 400 naming it',
      async (table) => {
        const response = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/permissions`, {
          tables: ['orders', table],
        });

        expect(response.status).toBe(400);
        expect([response.body.message].flat()).toEqual([expect.stringContaining(`table "${table}" `)]);
        const [row] = await databases.control<{ permissions: string }>(
          'SELECT permissions FROM users WHERE username = ?',
          [TEST_ADMIN.username],
        );
        expect(row.permissions).toBe('[]');
      },
    );

    it('grant a table before it exists with allowMissing, and keep it without when the list is sent again', async () => {
      await app.createUser('early');
      const refused = await asAdmin.put('/api/v1/users/early/permissions', { tables: ['next_year'] });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.message)).toMatch(/pass allowMissing: true/);

      const granted = await asAdmin.put('/api/v1/users/early/permissions', {
        tables: ['next_year'],
        allowMissing: true,
      });
      expect(granted.status).toBe(200);
      expect(granted.body.permissions).toEqual(['next_year']);
      // Tables the user holds already are not checked again.
      const again = await asAdmin.put('/api/v1/users/early/permissions', { tables: ['next_year', 'orders'] });
      expect(again.status).toBe(200);
    });

    describe('on named connections', () => {
      let dir: string;

      beforeAll(async () => {
        // A stored source connection (a SQLite file beside the test) holding a table the built-in
        // source does not have, and an archive connection, which no permission may name.
        dir = mkdtempSync(join(tmpdir(), 'das-grants-'));
        const file = join(dir, 'shop-eu.sqlite');
        const db = new Database(file);
        db.exec('CREATE TABLE eu_only (id INTEGER PRIMARY KEY, created_at TEXT)');
        db.close();
        await asAdmin
          .post('/api/v1/connections', { name: 'shop_eu', role: 'source', url: `sqlite:${file}` })
          .expect(201);
        await asAdmin
          .post('/api/v1/connections', { name: 'vault', role: 'archive', url: `sqlite:${join(dir, 'vault.sqlite')}` })
          .expect(201);
      });

      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      it('grant `connection/table` for a table of that source connection, and a bare name found in any source', async () => {
        await app.createUser('eu_reader');

        const granted = await asAdmin.put('/api/v1/users/eu_reader/permissions', {
          tables: ['shop_eu/eu_only', 'eu_only'],
        });

        expect(granted.status).toBe(200);
        expect(granted.body.permissions).toEqual(['shop_eu/eu_only', 'eu_only']);
      });

      it.each([
        ['shop_eu/orders', 'table "shop_eu/orders" has no policy and does not exist in connection "shop_eu"'],
        ['nowhere/orders', '"nowhere" in "nowhere/orders" is not a source connection'],
        ['vault/orders', '"vault" in "vault/orders" is not a source connection'],
        ['shop_eu/sqlite_master', 'table "shop_eu/sqlite_master" is an internal table of the database, not grantable'],
      ])('refuse %p with 400 naming it', async (permission, message) => {
        const response = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/permissions`, {
          tables: [permission],
        });

        expect(response.status).toBe(400);
        expect([response.body.message].flat()).toEqual([expect.stringContaining(message)]);
      });

      it('let a user holding only `shop_eu/eu_only` past the permission check when the read names shop_eu, not otherwise', async () => {
        await app.createUser('eu_only_reader');
        await asAdmin.put('/api/v1/users/eu_only_reader/permissions', { tables: ['shop_eu/eu_only'] }).expect(200);
        const token = await app.login('eu_only_reader', PASSWORD);
        const read = (query: string) =>
          app.http().get(`/api/v1/archives/eu_only${query}`).set('Authorization', `Bearer ${token}`);

        // Past the guard: the table has no policy on shop_eu, so there is nothing to read (404), not a 403.
        const named = await read('?connection=shop_eu');
        expect({ status: named.status, message: named.body.message }).toEqual({
          status: 404,
          message: expect.stringContaining('"eu_only" has no policy on connection "shop_eu"'),
        });
        expect((await read('')).status).toBe(403);
        expect((await read('?connection=source')).status).toBe(403);
      });
    });

    it.each([
      ['a table name with a space', { tables: ['bad name'] }],
      ['an empty table name', { tables: [''] }],
      ['a 65-character table name', { tables: ['t'.repeat(65)] }],
      ['tables not being a list', { tables: 'orders' }],
      ['a missing tables field', {}],
      ['an unknown extra field', { tables: ['orders'], role: 'admin' }],
      ['allowMissing not being a boolean', { tables: ['orders'], allowMissing: 'yes' }],
    ])('refuse %s with 400', async (_case, body) => {
      const response = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/permissions`, body);

      expect(response.status).toBe(400);
      expect(response.body.message).toBeDefined();
    });

    it('answer 404 for an unknown user', async () => {
      const response = await asAdmin.put('/api/v1/users/ghost/permissions', { tables: ['orders'] });

      expect(response.status).toBe(404);
      expect(response.body.message).toBe('No user named "ghost"');
    });
  });

  describe('lifecycle', () => {
    const patch = (username: string, body: object) =>
      app.http().patch(`/api/v1/users/${username}`).set('Authorization', `Bearer ${adminToken}`).send(body);
    const remove = (username: string) =>
      app.http().delete(`/api/v1/users/${username}`).set('Authorization', `Bearer ${adminToken}`);
    const revokeTokens = (username: string) =>
      app.http().post(`/api/v1/users/${username}/revoke-tokens`).set('Authorization', `Bearer ${adminToken}`);

    it('disables a user: no login (403), tokens refused; enabling lets them log in again, old tokens stay refused', async () => {
      const token = await app.createUser('sleeper');

      const disabled = await patch('sleeper', { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ username: 'sleeper', disabled: true });
      expect((await me(token)).status).toBe(401);
      const login = await app.http().post('/api/v1/auth/login').send({ username: 'sleeper', password: PASSWORD });
      expect(login.status).toBe(403);

      const enabled = await patch('sleeper', { disabled: false });
      expect(enabled.body).toMatchObject({ username: 'sleeper', disabled: false });
      expect((await me(token)).status).toBe(401);
      expect((await me(await app.login('sleeper', PASSWORD))).status).toBe(200);
    });

    it('deletes a user: tokens refused, login refused, the name free again; audit entries stay', async () => {
      const token = await app.createUser('goner');

      const response = await remove('goner');
      expect(response.status).toBe(204);
      expect((await me(token)).status).toBe(401);
      await expect(app.login('goner', PASSWORD)).rejects.toThrow(/401/);
      expect(await databases.control('SELECT id FROM users WHERE username = ?', ['goner'])).toEqual([]);
      const audit = await databases.control<{ action: string }>(
        'SELECT action FROM audit_entries WHERE details LIKE \'%"goner"%\' ORDER BY id',
      );
      expect(audit.map((entry) => entry.action)).toEqual(['user.signup', 'user.delete', 'auth.login.failed']);
      await app.createUser('goner');
    });

    it('revokes every token of a user; the account stays as it is', async () => {
      const first = await app.createUser('juggler');
      const second = await app.login('juggler', PASSWORD);

      const response = await revokeTokens('juggler');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ username: 'juggler', disabled: false });
      expect((await me(first)).status).toBe(401);
      expect((await me(second)).status).toBe(401);
      expect((await me(await app.login('juggler', PASSWORD))).status).toBe(200);
    });

    it('never disables or deletes the last enabled admin (409), and the refused change leaves it as it was', async () => {
      for (const response of [
        await patch(TEST_ADMIN.username, { disabled: true }),
        await remove(TEST_ADMIN.username),
      ]) {
        expect(response.status).toBe(409);
        expect(response.body.message).toMatch(/only admin/);
      }
      expect((await me(adminToken)).status).toBe(200);
    });

    it('does not count a disabled admin as the other admin', async () => {
      await app.createUser('deputy2');
      await asAdmin.put('/api/v1/users/deputy2/role', { role: 'admin' }).expect(200);
      await patch('deputy2', { disabled: true }).expect(200);

      const response = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/role`, { role: 'user' });
      expect(response.status).toBe(409);
      await remove('deputy2').expect(204);
    });

    it.each([
      ['an unknown user', 'ghost', { disabled: true }, 404],
      ['a name that cannot be a username', 'x', { disabled: true }, 400],
      ['an empty body', 'lister', {}, 400],
      ['disabled as a string', 'lister', { disabled: 'yes' }, 400],
      ['another field', 'lister', { disabled: true, role: 'admin' }, 400],
    ])('PATCH answers %s with %p', async (_case, username, body, status) => {
      expect((await patch(username, body)).status).toBe(status);
    });

    it.each([
      ['DELETE', () => remove('ghost')],
      ['revoke-tokens', () => revokeTokens('ghost')],
    ])('%s of an unknown user answers 404', async (_case, send) => {
      const response = await send();
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('No user named "ghost"');
    });
  });

  describe('roles', () => {
    it('promotion ends older tokens; the next token carries the new role', async () => {
      const oldToken = await app.createUser('climber');

      const promoted = await asAdmin.put('/api/v1/users/climber/role', { role: 'admin' });

      expect(promoted.status).toBe(200);
      expect(promoted.body).toEqual({
        id: expect.any(Number),
        username: 'climber',
        role: 'admin',
        permissions: [],
        disabled: false,
      });
      expect((await me(oldToken)).status).toBe(401);
      expect((await app.http().get('/api/v1/users').set('Authorization', `Bearer ${oldToken}`)).status).toBe(401);
      const newToken = await app.login('climber', PASSWORD);
      expect((await me(newToken)).body.role).toBe('admin');
      expect((await app.http().get('/api/v1/users').set('Authorization', `Bearer ${newToken}`)).status).toBe(200);

      const demoted = await asAdmin.put('/api/v1/users/climber/role', { role: 'user' });
      expect(demoted.body.role).toBe('user');
    });

    it('refuse to demote the only admin with 409', async () => {
      const response = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/role`, { role: 'user' });

      expect(response.status).toBe(409);
      expect(response.body.message).toMatch(/only admin/);
      const admins = await databases.control("SELECT username FROM users WHERE role = 'admin'");
      expect(admins).toEqual([{ username: TEST_ADMIN.username }]);
    });

    it('never demote both of the last two admins when each demotes the other at once', async () => {
      const deputyToken = await app.createUser('deputy');
      await asAdmin.put('/api/v1/users/deputy/role', { role: 'admin' }).expect(200);
      const deputyAdminToken = await app.login('deputy', PASSWORD);
      expect(deputyToken).not.toBe(deputyAdminToken);

      const [first, second] = await Promise.all([
        asAdmin.put('/api/v1/users/deputy/role', { role: 'user' }),
        app
          .http()
          .put(`/api/v1/users/${TEST_ADMIN.username}/role`)
          .set('Authorization', `Bearer ${deputyAdminToken}`)
          .send({ role: 'user' }),
      ]);

      // The loser is refused: 409 (only admin left), or 401 when the winner's change already ended its token.
      expect([first.status, second.status].filter((status) => status === 200)).toHaveLength(1);
      expect([first.status, second.status].every((status) => [200, 401, 409].includes(status))).toBe(true);
      expect(await databases.control("SELECT username FROM users WHERE role = 'admin'")).toHaveLength(1);
      if (first.status !== 200) {
        // The deputy is now the only admin: restore the original state for the other tests.
        await app
          .http()
          .put(`/api/v1/users/${TEST_ADMIN.username}/role`)
          .set('Authorization', `Bearer ${deputyAdminToken}`)
          .send({ role: 'admin' })
          .expect(200);
        adminToken = await app.adminToken();
        await asAdmin.put('/api/v1/users/deputy/role', { role: 'user' }).expect(200);
      }
    });

    it('refuse an unknown role with 400 and an unknown user with 404', async () => {
      const badRole = await asAdmin.put(`/api/v1/users/${TEST_ADMIN.username}/role`, { role: 'root' });
      expect(badRole.status).toBe(400);
      expect(JSON.stringify(badRole.body.message)).toMatch(/role must be one of: admin, user/);

      expect((await asAdmin.put('/api/v1/users/ghost/role', { role: 'admin' })).status).toBe(404);
    });
  });
});
