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

  it('lists users with role and permissions, never a password hash', async () => {
    await app.createUser('lister', ['orders']);

    const response = await asAdmin.get('/api/v1/users');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.arrayContaining([
        { id: expect.any(Number), username: TEST_ADMIN.username, role: 'admin', permissions: [] },
        { id: expect.any(Number), username: 'lister', role: 'user', permissions: ['orders'] },
      ]),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/hash|argon2/i);
  });

  describe('table permissions', () => {
    it("replace the user's list; the next token carries them while older tokens keep the old list", async () => {
      const oldToken = await app.createUser('reader');

      const granted = await asAdmin.put('/api/v1/users/reader/permissions', { tables: ['orders', 'customers'] });

      expect(granted.status).toBe(200);
      expect(granted.body).toEqual({
        id: expect.any(Number),
        username: 'reader',
        role: 'user',
        permissions: ['orders', 'customers'],
      });
      expect((await me(oldToken)).body.permissions).toEqual([]);
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

    it.each([
      ['a table name with a space', { tables: ['bad name'] }],
      ['an empty table name', { tables: [''] }],
      ['a 65-character table name', { tables: ['t'.repeat(65)] }],
      ['tables not being a list', { tables: 'orders' }],
      ['a missing tables field', {}],
      ['an unknown extra field', { tables: ['orders'], role: 'admin' }],
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

  describe('roles', () => {
    it('promotion reaches the next token only', async () => {
      const oldToken = await app.createUser('climber');

      const promoted = await asAdmin.put('/api/v1/users/climber/role', { role: 'admin' });

      expect(promoted.status).toBe(200);
      expect(promoted.body).toEqual({ id: expect.any(Number), username: 'climber', role: 'admin', permissions: [] });
      expect((await me(oldToken)).body.role).toBe('user');
      expect((await app.http().get('/api/v1/users').set('Authorization', `Bearer ${oldToken}`)).status).toBe(403);
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

      expect([first.status, second.status].sort()).toEqual([200, 409]);
      expect(await databases.control("SELECT username FROM users WHERE role = 'admin'")).toHaveLength(1);
      if (first.status === 409) {
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
