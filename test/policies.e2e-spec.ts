import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';
import { daysAgo } from './support/engine-fixtures';

const VALID = { tableName: 'orders', dateColumn: 'created_at', archiveAfterDays: 30, deleteAfterDays: 365 };

describeEachEngine('policies API', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    const mysql = engine === 'mysql';
    await databases.source(
      mysql
        ? 'CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16), amount DECIMAL(10,2), created_at DATETIME, KEY idx_created (created_at))'
        : 'CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, amount DECIMAL(10,2), created_at DATETIME)',
    );
    await databases.source('CREATE TABLE no_key (id INT, created_at DATETIME)');
    const rows: unknown[] = [];
    for (let id = 1; id <= 50; id++) {
      rows.push(id, id % 2 ? 'paid' : 'new', id, daysAgo(id <= 30 ? 100 : 1));
    }
    await databases.source(`INSERT INTO orders VALUES ${new Array(50).fill('(?, ?, ?, ?)').join(', ')}`, rows);
    app = await startTestApp(databases);
    admin = await app.adminToken();
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  const post = (body: object) => app.http().post('/api/v1/policies').set('Authorization', `Bearer ${admin}`).send(body);

  it('creates a policy (201), then updates it (200), and lists and reads it', async () => {
    const created = await post({ ...VALID, criteria: [{ column: 'status', op: '=', value: 'paid' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...VALID,
      enabled: true,
      batchSize: null,
      criteria: [{ column: 'status', op: '=', value: 'paid' }],
    });
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);

    const updated = await post({ ...VALID, archiveAfterDays: 60, batchSize: 500, enabled: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      archiveAfterDays: 60,
      batchSize: 500,
      enabled: false,
      criteria: [],
    });

    const list = await app.http().get('/api/v1/policies').set('Authorization', `Bearer ${admin}`);
    expect(list.status).toBe(200);
    expect(list.body.map((p: { tableName: string }) => p.tableName)).toEqual(['orders']);
    const one = await app.http().get('/api/v1/policies/orders').set('Authorization', `Bearer ${admin}`);
    expect(one.body).toMatchObject({ id: created.body.id, archiveAfterDays: 60 });
  });

  it('previews what the policy would do without changing anything', async () => {
    await post({ ...VALID, criteria: [{ column: 'status', op: 'in', value: ['paid'] }] });
    const preview = await app.http().get('/api/v1/policies/orders/preview').set('Authorization', `Bearer ${admin}`);
    expect(preview.status).toBe(200);
    // 30 old rows, half of them paid.
    expect(preview.body).toMatchObject({ tableName: 'orders', rowsToArchive: 15, rowsToPurge: 0, usesIndex: true });
    expect(preview.body.archiveTable).toMatchObject({ exists: false, problems: [] });
    expect(preview.body.archiveTable.schemaChanges[0]).toMatch(/CREATE TABLE/);
    expect(Date.parse(preview.body.archiveCutoff)).toBeLessThan(Date.now() - 29 * 86_400_000);
    // The plan shown is a batch's in mid-run: it walks the primary key from the last key on, which
    // is what `usesIndex: true` says (no bare SCAN next to it, as the first batch's plan had on SQLite).
    expect(preview.body.plan.explain).toEqual([
      engine === 'mysql'
        ? expect.stringMatching(/^orders: access=range key=PRIMARY /)
        : expect.stringMatching(/^SEARCH (main\.)?orders USING INTEGER PRIMARY KEY \(rowid>\?\)$/),
    ]);
    if (engine === 'mysql') {
      expect(preview.body.plan.dateIndex).toBe('idx_created');
    }
    const [{ n }] = await databases.source<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(n)).toBe(50);
  });

  it.each([
    [{ ...VALID, tableName: 'missing' }, /table "missing" does not exist/],
    [{ ...VALID, tableName: 'no_key' }, /no primary key/],
    [{ ...VALID, dateColumn: 'status' }, /must be a DATE, DATETIME or TIMESTAMP column/],
    [{ ...VALID, dateColumn: 'nope' }, /dateColumn "nope" is not a column/],
    [{ ...VALID, deleteAfterDays: 30 }, /deleteAfterDays \(30\) must be greater than archiveAfterDays \(30\)/],
    [{ ...VALID, criteria: [{ column: 'ghost', op: '=', value: 1 }] }, /criteria\[0\]\.column "ghost" is not a column/],
    [{ ...VALID, criteria: [{ column: 'status', op: 'in', value: [] }] }, /needs a list of 1 to 1000 values/],
    [{ ...VALID, criteria: [{ column: 'status', op: 'is null', value: 'x' }] }, /takes no value/],
    [{ ...VALID, criteria: [{ column: 'status', op: '=', value: { a: 1 } }] }, /needs one value/],
    [{ ...VALID, criteria: [{ column: 'status', op: 'like', value: 'x' }] }, /op must be one of/],
    [{ ...VALID, archiveAfterDays: 0 }, /archiveAfterDays must be an integer from 1 to 36500/],
    [{ ...VALID, archiveAfterDays: 1.5 }, /archiveAfterDays must be an integer from 1 to 36500/],
    [{ ...VALID, batchSize: 50001 }, /batchSize must be an integer from 1 to 50000/],
    [{ ...VALID, extra: true }, /property extra should not exist/],
    // Injection attempts: names are looked up in the live schema and never reach SQL unchecked.
    [{ ...VALID, tableName: 'orders; DROP TABLE orders' }, /does not exist/],
    [{ ...VALID, tableName: 'orders` WHERE 1=1 --' }, /does not exist/],
    [{ ...VALID, dateColumn: 'created_at`; DROP TABLE orders; --' }, /is not a column/],
    [{ ...VALID, criteria: [{ column: 'status = status OR 1', op: '=', value: 'x' }] }, /is not a column/],
  ])('refuses an invalid policy with 400 and a clear message (%#)', async (body, message) => {
    const before = await app.http().get('/api/v1/policies').set('Authorization', `Bearer ${admin}`);
    const response = await post(body);
    expect(response.status).toBe(400);
    expect([response.body.message].flat().join(' | ')).toMatch(message);
    const after = await app.http().get('/api/v1/policies').set('Authorization', `Bearer ${admin}`);
    expect(after.body).toEqual(before.body);
    const [{ n }] = await databases.source<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(n)).toBe(50);
  });

  it('binds criteria values as parameters: a quote in a value is just data', async () => {
    const response = await post({ ...VALID, criteria: [{ column: 'status', op: '=', value: "x' OR '1'='1" }] });
    expect(response.status).toBeLessThan(300);
    const preview = await app.http().get('/api/v1/policies/orders/preview').set('Authorization', `Bearer ${admin}`);
    expect(preview.body.rowsToArchive).toBe(0);
  });

  it('answers 404 for a table without a policy and deletes a policy with 204', async () => {
    const missing = await app.http().get('/api/v1/policies/unknown').set('Authorization', `Bearer ${admin}`);
    expect(missing.status).toBe(404);
    await post(VALID);
    const removed = await app.http().delete('/api/v1/policies/orders').set('Authorization', `Bearer ${admin}`);
    expect(removed.status).toBe(204);
    const gone = await app.http().get('/api/v1/policies/orders').set('Authorization', `Bearer ${admin}`);
    expect(gone.status).toBe(404);
  });

  it('records every policy change in the audit trail, with the admin who made it', async () => {
    await post(VALID);
    await app.http().delete('/api/v1/policies/orders').set('Authorization', `Bearer ${admin}`);
    const audit = async (action: string) =>
      (
        await app
          .http()
          .get(`/api/v1/audit?action=${action}&tableName=orders&limit=1`)
          .set('Authorization', `Bearer ${admin}`)
      ).body as Array<{ actor: string; action: string; tableName: string }>;
    expect(await audit('policy.upsert')).toEqual([expect.objectContaining({ actor: 'admin', tableName: 'orders' })]);
    expect(await audit('policy.delete')).toEqual([expect.objectContaining({ actor: 'admin', tableName: 'orders' })]);
  });

  it('lets a user permitted for the table read its policy, and nothing else', async () => {
    await post(VALID);
    const reader = await app.createUser(`reader_${engine}`, ['orders']);
    const other = await app.createUser(`other_${engine}`, ['customers']);
    expect((await app.http().get('/api/v1/policies/orders').set('Authorization', `Bearer ${reader}`)).status).toBe(200);
    expect((await app.http().get('/api/v1/policies/orders').set('Authorization', `Bearer ${other}`)).status).toBe(403);
    expect((await app.http().get('/api/v1/policies').set('Authorization', `Bearer ${reader}`)).status).toBe(403);
    expect(
      (await app.http().get('/api/v1/policies/orders/preview').set('Authorization', `Bearer ${reader}`)).status,
    ).toBe(403);
    expect(
      (await app.http().post('/api/v1/policies').set('Authorization', `Bearer ${reader}`).send(VALID)).status,
    ).toBe(403);
    expect((await app.http().delete('/api/v1/policies/orders').set('Authorization', `Bearer ${reader}`)).status).toBe(
      403,
    );
    expect((await app.http().get('/api/v1/policies/orders')).status).toBe(401);
  });
});
