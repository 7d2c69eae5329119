import { ArchivalEngine } from '../src/archive/archival-engine';
import { EngineClients, openEngineClients, policyFor } from './support/engine-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

const ROWS = 25_000;
const DAY = 86_400_000;

describeEachEngine('archive read API', (engine) => {
  let databases: TestDatabases;
  let clients: EngineClients;
  let app: TestApp;
  let admin: string;
  let reader: string;
  let outsider: string;
  const start = Date.UTC(2020, 0, 1);

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    const mysql = engine === 'mysql';
    await databases.source(
      mysql
        ? 'CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, amount DECIMAL(30,10), code VARBINARY(8), created_at DATETIME(6) NOT NULL)'
        : 'CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(30,10), code BLOB, created_at DATETIME NOT NULL)',
    );
    // One row per hour from 2020-01-01; ids spaced so that the largest exceed 2^53.
    for (let first = 0; first < ROWS; first += 5000) {
      const values: unknown[] = [];
      for (let i = first; i < first + 5000; i++) {
        const id = (9007199254740000n + BigInt(i) * 7n).toString();
        const at = new Date(start + i * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
        values.push(id, `${i}.0123456789`, Buffer.from([0, i % 256, 255]), mysql ? `${at}123` : at.slice(0, 19));
      }
      await databases.source(`INSERT INTO orders VALUES ${new Array(5000).fill('(?, ?, ?, ?)').join(', ')}`, values);
    }
    clients = await openEngineClients(databases);
    await new ArchivalEngine().run({
      policy: policyFor('orders'),
      source: clients.source,
      archive: clients.archive,
      runId: 9,
      batchSize: 5000,
    });

    app = await startTestApp(databases);
    admin = await app.adminToken();
    const policy = { tableName: 'orders', dateColumn: 'created_at', archiveAfterDays: 30, deleteAfterDays: 5000 };
    expect(
      (await app.http().post('/api/v1/policies').set('Authorization', `Bearer ${admin}`).send(policy)).status,
    ).toBe(201);
    reader = await app.createUser(`reader_${engine}`, ['orders']);
    outsider = await app.createUser(`outsider_${engine}`, ['customers']);
  });

  afterAll(async () => {
    await app?.close();
    await clients?.close();
    await databases?.drop();
  });

  const get = (path: string, token?: string) => {
    const request = app.http().get(path);
    return token ? request.set('Authorization', `Bearer ${token}`) : request;
  };

  it('walks all archived rows in pages of 1000 with no gap and no repeat', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await get(`/api/v1/archives/orders?limit=1000${query}`, reader);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((row: { id: string }) => row.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(25);
    expect(seen).toHaveLength(ROWS);
    expect(new Set(seen).size).toBe(ROWS);
    const expected = Array.from({ length: ROWS }, (_, i) => (9007199254740000n + BigInt(i) * 7n).toString());
    expect(seen).toEqual(expected);
  });

  it('returns values faithfully: big integers and decimals as strings, bytes as base64, ISO dates', async () => {
    const response = await get('/api/v1/archives/orders?limit=2', admin);
    expect(response.status).toBe(200);
    const [first, second] = response.body.items;
    expect(first).toEqual({
      id: '9007199254740000',
      amount: engine === 'mysql' ? '0.0123456789' : expect.any(String),
      code: Buffer.from([0, 0, 255]).toString('base64'),
      created_at: engine === 'mysql' ? '2020-01-01T00:00:00.000123Z' : '2020-01-01T00:00:00Z',
      archived_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      archive_run_id: engine === 'mysql' ? '9' : 9,
    });
    expect(second.id).toBe('9007199254740007');
    expect(response.body.nextCursor).toEqual(expect.any(String));
  });

  it('filters on the policy date column with from (inclusive) and to (exclusive)', async () => {
    const from = new Date(start + 100 * 3_600_000).toISOString();
    const to = new Date(start + 100 * 3_600_000 + 2 * DAY).toISOString();
    const response = await get(`/api/v1/archives/orders?from=${from}&to=${to}&limit=1000`, reader);
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(48);
    expect(response.body.items[0].id).toBe((9007199254740000n + 100n * 7n).toString());
    expect(response.body.nextCursor).toBeNull();
    const dayOnly = await get('/api/v1/archives/orders?from=2020-01-02&to=2020-01-03', reader);
    expect(dayOnly.body.items).toHaveLength(24);
  });

  it.each([
    ['limit=0', /limit must be an integer from 1 to 1000/],
    ['limit=1001', /limit must be an integer from 1 to 1000/],
    ['limit=abc', /limit must be an integer/],
    ['cursor=not-a-cursor', /cursor is not valid/],
    [`cursor=${Buffer.from('[1,2,3]').toString('base64url')}`, /cursor is not valid/],
    ['from=yesterday', /from must be a date \(2024-01-01, midnight UTC\) or a date-time with a zone/],
    ['from=2024', /from must be a date/],
    ['to=2024-02-30', /to must be a date/],
    ['to=2024-01-01T10:00:00', /to must be a date/],
    ['limit=0x10', /limit must be an integer from 1 to 1000/],
    ['limit=1e3', /limit must be an integer from 1 to 1000/],
    ['limit=010', /limit must be an integer from 1 to 1000/],
    ['limit=1&limit=2', /limit must be an integer from 1 to 1000/],
    [`cursor=${Buffer.from('[1.5]').toString('base64url')}`, /cursor is not valid/],
    [`cursor=${Buffer.from('["abc"]').toString('base64url')}`, /cursor is not valid/],
    [`cursor=${Buffer.from('[{"hex":"00"}]').toString('base64url')}`, /cursor is not valid/],
    ['sort=id', /property sort should not exist/],
  ])('answers 400 with a message for %s', async (query, message) => {
    const response = await get(`/api/v1/archives/orders?${query}`, admin);
    expect(response.status).toBe(400);
    expect([response.body.message].flat().join(' | ')).toMatch(message);
  });

  it('enforces table permissions: admin and permitted users read, others 403, no token 401, unknown 404', async () => {
    expect((await get('/api/v1/archives/orders?limit=1', admin)).status).toBe(200);
    expect((await get('/api/v1/archives/orders?limit=1', reader)).status).toBe(200);
    expect((await get('/api/v1/archives/orders?limit=1', outsider)).status).toBe(403);
    expect((await get('/api/v1/archives/orders?limit=1')).status).toBe(401);
    expect((await get('/api/v1/archives/customers', outsider)).status).toBe(404);
    expect((await get('/api/v1/archives/nothing_here', admin)).status).toBe(404);
    expect((await get('/api/v1/archives/orders%60%3B%20DROP%20TABLE%20orders', admin)).status).toBe(404);
  });

  it('records archive reads in the audit trail, attributed to the reader', async () => {
    await get('/api/v1/archives/orders?limit=7', reader);
    const audit = await get(`/api/v1/audit?actor=reader_${engine}&action=archive.read&limit=1`, admin);
    expect(audit.status).toBe(200);
    expect(audit.body[0]).toMatchObject({
      actor: `reader_${engine}`,
      action: 'archive.read',
      tableName: 'orders',
      rowCount: 7,
    });
  });
});
