import { Caller, caller, startRun, waitForRunEnd } from './support/job-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';

const ROWS = 2500;
/** The export limit of the app under test: below ROWS, above two export batches. */
const EXPORT_MAX_ROWS = 2200;
/** 2^53 - 10: the ids of the table cross 2^53, where a double can no longer tell neighbours apart. */
const FIRST_ID = 9007199254740982n;
const HOUR = 3_600_000;
const START = Date.UTC(2020, 0, 1);

/** What the archive holds, read with plain SQL as strings (the tests' raw connections). */
interface RawRow {
  id: string;
  customer_email: string;
  status: string;
  amount: string | null;
  payload: string | null;
  code: Buffer | null;
  created_at: string;
  archived_at: string;
  archive_run_id: string;
}

/** Row i of the source table: emails of a few shapes, `%` and `_` among them, for the prefix tests. */
function sourceRow(i: number): unknown[] {
  const emails = ['alice', 'a_ice', 'a%ice', 'bob', 'axice'];
  const at = new Date(START + i * HOUR).toISOString().replace('T', ' ').replace('Z', '');
  return [
    (FIRST_ID + BigInt(i)).toString(),
    `${emails[i % emails.length]}.${i % 7}@example.com`,
    ['delivered', 'cancelled', 'refunded'][i % 3],
    i % 11 === 0 ? null : `${i}.${String(i % 100).padStart(2, '0')}`,
    JSON.stringify({ n: i, big: '9007199254740993', nested: { ok: i % 2 === 0 } }),
    i % 13 === 0 ? null : Buffer.from([i % 256, 0, 255, 10]),
    `${at}${String(i % 1000).padStart(3, '0')}`,
  ];
}

/** A raw row as the JSON read gives it (see archive-values.ts). */
function jsonOf(row: RawRow): Record<string, unknown> {
  return {
    // mysql2 gives every BIGINT as a string (and so does the read), beyond 2^53 or not.
    id: row.id,
    customer_email: row.customer_email,
    status: row.status,
    amount: row.amount,
    payload: row.payload,
    code: row.code === null ? null : row.code.toString('base64'),
    created_at: row.created_at.replace(' ', 'T') + 'Z',
    archived_at: row.archived_at.replace(' ', 'T') + 'Z',
    archive_run_id: row.archive_run_id,
  };
}

/**
 * The archive browsing API on MariaDB over HTTP: column filters on the read (equality, prefix,
 * together, with pagination), the refusals of what cannot be filtered, the table list and column
 * descriptions under RBAC, and values byte-exact as stored.
 */
describeMariaDb('archive browsing API', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;
  let reader: Caller;
  let outsider: Caller;
  let qualified: Caller;
  let nobody: Caller;
  let archived: RawRow[];

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    await databases.source(
      'CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, customer_email VARCHAR(64) NOT NULL, ' +
        'status VARCHAR(16) NOT NULL, amount DECIMAL(12,2), payload JSON, code VARBINARY(8), ' +
        'created_at DATETIME(6) NOT NULL, KEY idx_customer_email (customer_email))',
    );
    const rows = Array.from({ length: ROWS }, (_, i) => sourceRow(i));
    await databases.source(
      `INSERT INTO orders VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flat(),
    );
    await databases.source('CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20), created_at DATETIME)');
    await databases.source("INSERT INTO customers VALUES (1, 'x', '2020-01-01 00:00:00')");

    app = await startTestApp(databases, { EXPORT_MAX_ROWS: String(EXPORT_MAX_ROWS) });
    admin = caller(app, await app.adminToken());
    for (const tableName of ['orders', 'customers']) {
      const saved = await admin.post('/api/v1/policies', {
        tableName,
        dateColumn: 'created_at',
        archiveAfterDays: 30,
        deleteAfterDays: 36500,
      });
      expect(saved.status).toBe(201);
      const run = await waitForRunEnd(admin, await startRun(admin, tableName, { job: 'archive' }));
      expect(run.status).toBe('succeeded');
    }
    // The archive has the key and the date index; an operator adds the index analysts search by.
    await databases.archive('CREATE INDEX idx_customer_email ON orders (customer_email)');
    // …which the next run's schema check leaves alone.
    const again = await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }));
    expect(again).toMatchObject({ status: 'succeeded', rowsArchived: 0 });
    archived = await databases.archive<RawRow>('SELECT * FROM orders ORDER BY id');
    expect(archived).toHaveLength(ROWS);
    reader = caller(app, await app.createUser('analyst', ['orders']));
    outsider = caller(app, await app.createUser('outsider', ['customers']));
    qualified = caller(app, await app.createUser('qualified', ['source/customers']));
    nobody = caller(app, await app.createUser('nobody'));
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  /** Every row of a read, following nextCursor. */
  const readAll = async (as: Caller, query: string): Promise<{ items: Record<string, unknown>[]; pages: number }> => {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await as.get(`/api/v1/archives/orders?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);
    return { items, pages };
  };

  const expectedWhere = (keep: (row: RawRow) => boolean) => archived.filter(keep).map(jsonOf);

  describe('filters on the read', () => {
    it('finds one row by its key beyond 2^53, its neighbours not, every value as stored', async () => {
      for (const offset of [9n, 10n, 11n, 12n]) {
        const id = (FIRST_ID + offset).toString();
        const response = await reader.get(`/api/v1/archives/orders?filter[id]=${id}`);
        expect(response.status).toBe(200);
        expect(response.body.items).toEqual(expectedWhere((row) => row.id === id));
        expect(response.body.items).toHaveLength(1);
      }
      const response = await reader.get(`/api/v1/archives/orders?filter[id]=9007199254740993`);
      expect(response.body.items[0]).toMatchObject({
        id: '9007199254740993',
        customer_email: 'a_ice.4@example.com',
        amount: null,
        payload: '{"n":11,"big":"9007199254740993","nested":{"ok":false}}',
        code: Buffer.from([11, 0, 255, 10]).toString('base64'),
        created_at: '2020-01-01T11:00:00.000011Z',
      });
    });

    it('matches equality on an indexed string column and on the date column to the microsecond', async () => {
      const byEmail = await reader.get('/api/v1/archives/orders?filter[customer_email]=bob.3@example.com&limit=1000');
      expect(byEmail.status).toBe(200);
      const expected = expectedWhere((row) => row.customer_email === 'bob.3@example.com');
      expect(expected.length).toBeGreaterThan(1);
      expect(byEmail.body.items).toEqual(expected);

      const at = archived[17].created_at;
      for (const spelling of [at.replace(' ', 'T') + 'Z', at]) {
        const byDate = await reader.get(`/api/v1/archives/orders?filter[created_at]=${encodeURIComponent(spelling)}`);
        expect(byDate.status).toBe(200);
        expect(byDate.body.items).toEqual([jsonOf(archived[17])]);
      }
      // One microsecond off matches nothing.
      const off = at.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
      expect(
        (await reader.get(`/api/v1/archives/orders?filter[created_at]=${encodeURIComponent(off)}`)).body.items,
      ).toEqual([]);
    });

    it('matches prefixes with % and _ as plain characters', async () => {
      for (const prefix of ['a_i', 'a%i', 'a', 'bob.1', 'nobody']) {
        const { items } = await readAll(reader, `prefix[customer_email]=${encodeURIComponent(prefix)}&limit=50`);
        const expected = expectedWhere((row) => row.customer_email.startsWith(prefix));
        expect(items).toEqual(expected);
      }
      expect(expectedWhere((row) => row.customer_email.startsWith('a_i')).length).toBeLessThan(
        expectedWhere((row) => row.customer_email.startsWith('a')).length,
      );
    });

    it('ANDs filters, prefixes and the date range, and pages through them by cursor with no gap or repeat', async () => {
      const from = '2020-01-02T00:00:00Z';
      const to = '2020-01-09T00:00:00Z';
      const { items, pages } = await readAll(reader, `prefix[customer_email]=a&from=${from}&to=${to}&limit=7`);
      const expected = expectedWhere(
        (row) =>
          row.customer_email.startsWith('a') &&
          row.created_at >= '2020-01-02 00:00:00' &&
          row.created_at < '2020-01-09 00:00:00',
      );
      expect(expected.length).toBeGreaterThan(20);
      expect(items).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 7) + (expected.length % 7 === 0 ? 1 : 0));

      const both = await readAll(
        reader,
        'filter[customer_email]=alice.4@example.com&prefix[customer_email]=alice&limit=2',
      );
      expect(both.items).toEqual(expectedWhere((row) => row.customer_email === 'alice.4@example.com'));
      const none = await reader.get(
        '/api/v1/archives/orders?filter[customer_email]=alice.4@example.com&prefix[customer_email]=bob',
      );
      expect(none.body).toEqual({ items: [], nextCursor: null });
    });

    it.each([
      ['filter[nosuch]=1', /filter\[nosuch\]: the archive of "orders" has no column "nosuch"/],
      ['prefix[Customer_Email]=a', /no column "Customer_Email"/],
      ['filter[status]=delivered', /column "status" is not indexed .*here: id, customer_email, created_at/],
      ['filter[archived_at]=2020-01-01', /column "archived_at" is not indexed/],
      [
        'filter[id]=abc',
        /filter\[id\]: the value is not a bigint\(20\) unsigned: an integer from 0 to 18446744073709551615/,
      ],
      ['filter[id]=-1', /the value is not a bigint\(20\) unsigned/],
      ['filter[id]=18446744073709551616', /the value is not a bigint\(20\) unsigned/],
      ['filter[id]=1.5', /the value is not a bigint/],
      ['filter[id]=010', /the value is not a bigint/],
      ['filter[created_at]=2024-02-30T00:00:00Z', /filter\[created_at\]: the value is not a datetime\(6\)/],
      ['filter[created_at]=yesterday', /the value is not a datetime\(6\)/],
      ['filter[created_at]=2024-01-01T10:00:00%2B02:00', /the value is not a datetime\(6\)/],
      ['prefix[id]=900', /prefix\[id\]: prefix filters take string columns; "id" is bigint\(20\) unsigned/],
      ['prefix[created_at]=2020', /prefix filters take string columns/],
      [`filter[customer_email]=${'x'.repeat(65)}`, /the value is not a varchar\(64\): at most 64 characters/],
      ['filter=1', /filter must be given per column: filter\[column\]=value/],
      ['filter[id]=1&filter[id]=2', /filter\[id\] must be given once/],
      [`filter[id]=${'1'.repeat(1025)}`, /filter\[id\] must be at most 1024 characters/],
      ['filter[]=1', /a column name is 1 to 64 characters/],
      [`filter[${'c'.repeat(65)}]=1`, /a column name is 1 to 64 characters/],
      ['filter=1&filter[id]=2', /property filter\[id\] should not exist/],
      ['filter[__proto__]=1', /no column "__proto__"/],
      [
        'filter[a]=1&filter[b]=1&filter[c]=1&filter[d]=1&filter[e]=1&filter[f]=1&filter[g]=1&filter[h]=1&prefix[a]=1&prefix[b]=1&prefix[c]=1&prefix[d]=1&prefix[e]=1&prefix[f]=1&prefix[g]=1&prefix[h]=1&prefix[i]=1',
        /at most 16 columns together/,
      ],
      ['where[id]=1', /property where\[id\] should not exist/],
    ])('answers 400 naming the problem for %s', async (query, message) => {
      const response = await admin.get(`/api/v1/archives/orders?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect([response.body.message].flat().join(' | ')).toMatch(message);
    });

    it('reports every bad filter of a request at once', async () => {
      const response = await admin.get('/api/v1/archives/orders?filter[nosuch]=1&filter[status]=x&filter[id]=y');
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual([
        expect.stringMatching(/^filter\[nosuch\]/),
        expect.stringMatching(/^filter\[status\]/),
        expect.stringMatching(/^filter\[id\]/),
      ]);
    });

    it('refuses filters to a user without the table (403) and without a token (401), before any check', async () => {
      expect((await outsider.get('/api/v1/archives/orders?filter[id]=1')).status).toBe(403);
      expect((await outsider.get('/api/v1/archives/orders?filter[nosuch]=1')).status).toBe(403);
      expect((await app.http().get('/api/v1/archives/orders?filter[id]=1')).status).toBe(401);
    });

    it('audits a filtered read with its filters', async () => {
      await reader.get(
        '/api/v1/archives/orders?filter[customer_email]=bob.3@example.com&prefix[customer_email]=bob&limit=3',
      );
      const audit = await admin.get('/api/v1/audit?actor=analyst&action=archive.read&limit=1');
      expect(audit.body[0]).toMatchObject({
        action: 'archive.read',
        tableName: 'orders',
        rowCount: 3,
        details: expect.objectContaining({
          filter: { customer_email: 'bob.3@example.com' },
          prefix: { customer_email: 'bob' },
        }),
      });
    });
  });

  describe('tables and columns', () => {
    const ordersEntry = {
      tableName: 'orders',
      connection: 'source',
      archiveConnection: 'archive',
      dateColumn: 'created_at',
      primaryKey: ['id'],
      archived: true,
    };
    const customersEntry = { ...ordersEntry, tableName: 'customers' };

    it('lists every policy table to an admin and only the permitted ones to a user', async () => {
      expect((await admin.get('/api/v1/archives')).body).toEqual([customersEntry, ordersEntry]);
      expect((await reader.get('/api/v1/archives')).body).toEqual([ordersEntry]);
      expect((await outsider.get('/api/v1/archives')).body).toEqual([customersEntry]);
      expect((await qualified.get('/api/v1/archives')).body).toEqual([customersEntry]);
      const none = await nobody.get('/api/v1/archives');
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
      expect((await app.http().get('/api/v1/archives')).status).toBe(401);
    });

    it('describes the live columns with their declared types and the filters each takes', async () => {
      const response = await reader.get('/api/v1/archives/orders/columns');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        tableName: 'orders',
        connection: 'source',
        archiveConnection: 'archive',
        dateColumn: 'created_at',
        primaryKey: ['id'],
        columns: [
          { name: 'id', type: 'bigint(20) unsigned', nullable: false, filters: ['eq'] },
          { name: 'customer_email', type: 'varchar(64)', nullable: true, filters: ['eq', 'prefix'] },
          { name: 'status', type: 'varchar(16)', nullable: true, filters: [] },
          { name: 'amount', type: 'decimal(12,2)', nullable: true, filters: [] },
          { name: 'payload', type: 'longtext', nullable: true, filters: [] },
          { name: 'code', type: 'varbinary(8)', nullable: true, filters: [] },
          { name: 'created_at', type: 'datetime(6)', nullable: true, filters: ['eq'] },
          { name: 'archived_at', type: 'datetime(6)', nullable: false, filters: [] },
          { name: 'archive_run_id', type: 'bigint(20)', nullable: false, filters: [] },
        ],
      });
      // The columns said filterable are exactly those the read accepts.
      for (const column of response.body.columns as Array<{ name: string; filters: string[] }>) {
        const read = await reader.get(`/api/v1/archives/orders?filter[${column.name}]=x&limit=1`);
        const refusedAsUnindexed = /is not indexed|filters do not compare/.test([read.body.message].flat().join());
        expect(refusedAsUnindexed).toBe(column.filters.length === 0);
      }
    });

    it('guards the columns like the read: 403 for others, 401 without a token, 404 without an archive', async () => {
      expect((await outsider.get('/api/v1/archives/orders/columns')).status).toBe(403);
      expect((await nobody.get('/api/v1/archives/orders/columns')).status).toBe(403);
      expect((await app.http().get('/api/v1/archives/orders/columns')).status).toBe(401);
      expect((await admin.get('/api/v1/archives/nothing_here/columns')).status).toBe(404);
      expect((await admin.get('/api/v1/archives/orders/columns?connection=elsewhere')).status).toBe(404);
      expect((await admin.get('/api/v1/archives/orders/columns?limit=1')).status).toBe(400);
      expect((await qualified.get('/api/v1/archives/customers/columns?connection=source')).status).toBe(200);
    });
  });

  describe('export', () => {
    /** The body of a download, as bytes: supertest is told not to parse it. */
    const download = async (as: Caller, query: string) => {
      const response = await as
        .get(`/api/v1/archives/orders/export?${query}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        });
      return { status: response.status, headers: response.headers, text: response.body as string };
    };

    /** The CSV line of a row as the read gives it: RFC 4180 quoting, NULL as an empty field. */
    const csvLine = (values: Array<string | number | null>) =>
      values
        .map((value) => {
          if (value === null) {
            return '';
          }
          const text = String(value);
          return /[",\r\n]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join(',') + '\r\n';

    const columns = [
      'id',
      'customer_email',
      'status',
      'amount',
      'payload',
      'code',
      'created_at',
      'archived_at',
      'archive_run_id',
    ];

    it('exports the selected rows as CSV, byte for byte what the read gives, across several batches', async () => {
      const { status, headers, text } = await download(reader, 'format=csv&prefix[customer_email]=a');
      expect(status).toBe(200);
      expect(headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(headers['content-disposition']).toBe('attachment; filename="orders.csv"');
      expect(headers['x-export-max-rows']).toBe(String(EXPORT_MAX_ROWS));
      const expected = expectedWhere((row) => row.customer_email.startsWith('a'));
      expect(expected.length).toBeGreaterThan(1000);
      expect(expected.length).toBeLessThan(EXPORT_MAX_ROWS);
      expect(text).toBe(
        csvLine(columns) +
          expected.map((row) => csvLine(columns.map((column) => row[column] as string | number | null))).join(''),
      );
      // Quoting at work: JSON payloads hold quotes and commas.
      expect(text).toContain('"{""n"":1,""big"":""9007199254740993"",""nested"":{""ok"":false}}"');
    });

    it('exports JSON lines equal to the pages of the read, BIGINT beyond 2^53 and DATETIME(6) included', async () => {
      const query = 'filter[customer_email]=a%25ice.3@example.com&from=2020-01-05';
      const { status, headers, text } = await download(reader, `format=jsonl&${query}`);
      expect(status).toBe(200);
      expect(headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(headers['content-disposition']).toBe('attachment; filename="orders.jsonl"');
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      const { items } = await readAll(reader, `${query}&limit=3`);
      expect(items.length).toBeGreaterThan(3);
      expect(lines.map((line) => JSON.parse(line))).toEqual(items);
      const first = await download(reader, 'format=jsonl&filter[id]=9007199254740993');
      expect(first.text).toContain('"id":"9007199254740993"');
      expect(first.text).toContain('"created_at":"2020-01-01T11:00:00.000011Z"');
    });

    it('stops at EXPORT_MAX_ROWS in key order and audits the export once with its filters and rows', async () => {
      const { status, text } = await download(reader, 'format=jsonl');
      expect(status).toBe(200);
      const ids = text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids).toEqual(archived.slice(0, EXPORT_MAX_ROWS).map((row) => row.id));

      const audit = await admin.get('/api/v1/audit?actor=analyst&action=archive.export&limit=3');
      expect(audit.body[0]).toMatchObject({
        action: 'archive.export',
        tableName: 'orders',
        rowCount: EXPORT_MAX_ROWS,
        details: expect.objectContaining({
          format: 'jsonl',
          truncated: true,
          complete: true,
          maxRows: EXPORT_MAX_ROWS,
        }),
      });
      expect(audit.body[1]).toMatchObject({
        rowCount: expect.any(Number),
        details: expect.objectContaining({
          format: 'jsonl',
          filter: { id: '9007199254740993' },
          truncated: false,
          complete: true,
        }),
      });
    });

    it('exports an empty selection as the header line alone', async () => {
      const { status, text } = await download(reader, 'prefix[customer_email]=nobody');
      expect(status).toBe(200);
      expect(text).toBe(csvLine(columns));
    });

    it.each([
      ['format=xml', 400, /format must be one of: csv, jsonl/],
      ['format=csv&format=jsonl', 400, /format must be one of/],
      ['filter[status]=delivered', 400, /column "status" is not indexed/],
      ['filter[nosuch]=1', 400, /has no column "nosuch"/],
      ['limit=5', 400, /property limit should not exist/],
      ['connection=elsewhere', 404, /no policy on connection "elsewhere"/],
    ])('refuses %s with %p before sending anything', async (query, status, message) => {
      const response = await admin.get(`/api/v1/archives/orders/export?${query}`);
      expect(response.status).toBe(status);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect([response.body.message].flat().join(' | ')).toMatch(message);
    });

    it('guards the export like the read', async () => {
      expect((await outsider.get('/api/v1/archives/orders/export')).status).toBe(403);
      expect((await app.http().get('/api/v1/archives/orders/export')).status).toBe(401);
      expect((await admin.get('/api/v1/archives/nothing_here/export')).status).toBe(404);
    });
  });
});

/** The same routes on the embedded default (SQLite), as the Quick start runs them. */
describe('archive browsing API [sqlite]', () => {
  let databases: TestDatabases;
  let app: TestApp;
  let admin: Caller;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    await databases.source(
      'CREATE TABLE orders (id INTEGER PRIMARY KEY, email VARCHAR(32) NOT NULL, note TEXT, created_at DATETIME NOT NULL)',
    );
    for (let i = 1; i <= 300; i++) {
      const at = new Date(START + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
      await databases.source('INSERT INTO orders VALUES (?, ?, ?, ?)', [
        i,
        `${['a_b', 'axb', 'c'][i % 3]}${i}@x`,
        null,
        at,
      ]);
    }
    app = await startTestApp(databases, { EXPORT_MAX_ROWS: '250' });
    admin = caller(app, await app.adminToken());
    await admin.post('/api/v1/policies', {
      tableName: 'orders',
      dateColumn: 'created_at',
      archiveAfterDays: 30,
      deleteAfterDays: 36500,
    });
    expect((await waitForRunEnd(admin, await startRun(admin, 'orders', { job: 'archive' }))).status).toBe('succeeded');
    await databases.archive('CREATE INDEX idx_orders_email ON orders (email)');
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
  });

  it('filters by key, date, equality and prefix with % and _ as plain characters', async () => {
    expect(
      (await admin.get('/api/v1/archives/orders?filter[id]=7')).body.items.map((row: { id: number }) => row.id),
    ).toEqual([7]);
    const byDate = await admin.get(
      `/api/v1/archives/orders?filter[created_at]=${new Date(START + 5 * HOUR).toISOString()}`,
    );
    expect(byDate.body.items.map((row: { id: number }) => row.id)).toEqual([5]);
    const prefixed = await admin.get('/api/v1/archives/orders?prefix[email]=a_b&limit=1000');
    expect(prefixed.body.items).toHaveLength(100);
    expect(prefixed.body.items.every((row: { email: string }) => row.email.startsWith('a_b'))).toBe(true);
    expect((await admin.get('/api/v1/archives/orders?filter[email]=c2@x')).body.items).toHaveLength(1);
    expect((await admin.get('/api/v1/archives/orders?filter[note]=x')).status).toBe(400);
  });

  it('lists columns and exports CSV up to EXPORT_MAX_ROWS', async () => {
    const columns = await admin.get('/api/v1/archives/orders/columns');
    expect(
      columns.body.columns.map((column: { name: string; filters: string[] }) => [column.name, column.filters]),
    ).toEqual([
      ['id', ['eq']],
      ['email', ['eq', 'prefix']],
      ['note', []],
      ['created_at', ['eq']],
      ['archived_at', []],
      ['archive_run_id', []],
    ]);
    const exported = await admin
      .get('/api/v1/archives/orders/export?format=csv')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
    const lines = (exported.body as string).split('\r\n');
    expect(lines[0]).toBe('id,email,note,created_at,archived_at,archive_run_id');
    expect(lines).toHaveLength(1 + 250 + 1);
    expect(lines[1]).toMatch(/^1,axb1@x,,2020-01-01T01:00:00Z,/);
  });
});
