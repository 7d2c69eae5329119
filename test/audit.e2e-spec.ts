import { AuditService } from '../src/audit/audit.service';
import { AuditEntryDto } from '../src/audit/dto/audit-entry.dto';
import { TEST_ADMIN, TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

describeEachEngine('audit trail', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let adminToken: string;
  let startedAt: number;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    startedAt = Date.now();
    app = await startTestApp(databases);
    adminToken = await app.adminToken();
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  const audit = async (query = ''): Promise<AuditEntryDto[]> => {
    const response = await app.http().get(`/api/v1/audit${query}`).set('Authorization', `Bearer ${adminToken}`);
    expect(response.status).toBe(200);
    return response.body as AuditEntryDto[];
  };

  it('records the bootstrap admin, signups, permission and role changes with the acting user', async () => {
    await app.createUser('carol');
    const admin = TEST_ADMIN.username;
    const put = (path: string, body: object) =>
      app.http().put(path).set('Authorization', `Bearer ${adminToken}`).send(body).expect(200);
    await put('/api/v1/users/carol/permissions', { tables: ['orders'], allowMissing: true });
    await put('/api/v1/users/carol/role', { role: 'admin' });

    const entries = await audit();

    const find = (action: string) => entries.filter((e) => e.action === action);
    expect(find('user.create-admin')).toEqual([
      expect.objectContaining({ actor: 'system', details: { username: admin, role: 'admin' } }),
    ]);
    expect(find('user.signup')).toEqual([
      expect.objectContaining({ actor: 'carol', details: { username: 'carol', role: 'user' } }),
    ]);
    expect(find('user.permissions')).toEqual([
      expect.objectContaining({ actor: admin, details: { username: 'carol', permissions: ['orders'], previous: [] } }),
    ]);
    expect(find('user.role')).toEqual([
      expect.objectContaining({ actor: admin, details: { username: 'carol', role: 'admin', previous: 'user' } }),
    ]);
    const [newest] = entries;
    expect(newest.action).toBe('user.role');
    expect(Date.parse(newest.at)).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
    expect(Date.parse(newest.at)).toBeLessThanOrEqual(Date.now());
    expect(newest.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records a failed login with the username tried, never the password', async () => {
    const secret = 'the-wrong-secret-password';
    await app.http().post('/api/v1/auth/login').send({ username: 'carol', password: secret }).expect(401);
    await app.http().post('/api/v1/auth/login').send({ username: 'nosuchuser', password: secret }).expect(401);

    const failures = await audit('?action=auth.login.failed');

    expect(failures.map((e) => [e.actor, e.details?.username, e.details?.reason])).toEqual([
      ['anonymous', 'nosuchuser', 'unknown-user'],
      ['anonymous', 'carol', 'wrong-password'],
    ]);
    const stored = await databases.control<{ details: string }>('SELECT details FROM audit_entries');
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('filters by actor, action and tableName, newest first, with a limit', async () => {
    const service = app.app.get(AuditService);
    await service.record({ actor: 'system', action: 'run.start', tableName: 'orders', rowCount: 10 });
    await service.record({ actor: 'system', action: 'run.start', tableName: 'customers', rowCount: 20 });
    await service.record({
      actor: { id: 1, username: 'carol' },
      action: 'archive.read',
      tableName: 'orders',
      rowCount: 5,
      details: { limit: 100 },
    });

    const orders = await audit('?tableName=orders');
    expect(orders.map((e) => [e.actor, e.action, e.rowCount])).toEqual([
      ['carol', 'archive.read', 5],
      ['system', 'run.start', 10],
    ]);
    expect(orders[0].details).toEqual({ limit: 100 });

    const bySystem = await audit('?actor=system&action=run.start');
    expect(bySystem.map((e) => e.tableName)).toEqual(['customers', 'orders']);

    const byCarol = await audit('?actor=carol');
    expect(byCarol.map((e) => e.action)).toEqual(['archive.read', 'user.signup']);

    const all = await audit();
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const limited = await audit('?limit=2');
    expect(limited).toEqual(all.slice(0, 2));

    expect(await audit('?tableName=nothing-here')).toEqual([]);
  });

  it.each(['0', '1001', 'abc', '2.5', '-1'])('refuses limit=%s with 400 naming the allowed range', async (limit) => {
    const response = await app.http().get(`/api/v1/audit?limit=${limit}`).set('Authorization', `Bearer ${adminToken}`);

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(/limit must be an integer from 1 to 1000/);
  });

  it('rolls a change back and answers 500 when its audit entry cannot be written', async () => {
    await app.createUser('dave');
    await databases.control('ALTER TABLE audit_entries RENAME TO audit_entries_away');
    try {
      const response = await app
        .http()
        .put('/api/v1/users/dave/permissions')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ tables: ['orders'], allowMissing: true });
      const signup = await app.http().post('/api/v1/auth/signup').send({ username: 'erin', password: 'erin-password' });

      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        statusCode: 500,
        message: 'Internal server error',
        error: 'Internal Server Error',
      });
      expect(signup.status).toBe(500);
    } finally {
      await databases.control('ALTER TABLE audit_entries_away RENAME TO audit_entries');
    }
    const rows = await databases.control<{ username: string; permissions: string }>(
      "SELECT username, permissions FROM users WHERE username IN ('dave', 'erin')",
    );
    expect(rows).toEqual([{ username: 'dave', permissions: '[]' }]);
  });

  it('is not readable by a plain user', async () => {
    const token = await app.createUser('snoop');

    expect((await app.http().get('/api/v1/audit').set('Authorization', `Bearer ${token}`)).status).toBe(403);
  });
});
