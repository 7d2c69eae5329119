import { ScheduledJobs } from '../src/scheduler/scheduled-jobs.service';
import { ThrowawayMariaDb, startThrowawayMariaDb } from '../tools/throwaway-mariadb';
import {
  AdminClient,
  ConnectionTarget,
  ROLE_GRANTS,
  addConnection,
  adminClient,
  createConnectionTarget,
  createNotedTable,
  newEncryptionKey,
} from './support/connection-fixtures';
import { RunBody, caller, waitForRunEnd } from './support/job-fixtures';
import { testMysqlUrl } from './support/mariadb-test-server';
import { parseExposition, valueOf } from './support/exposition';
import { TestApp, startTestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { RawSql, TestDatabases, createTestDatabases, describeMariaDb } from './support/test-databases';

/**
 * Two source databases and two archive databases: the built-in `source` and `archive` (schemas of
 * the test server), a stored source `shop_b` (another schema of the test server, its own login) and a
 * stored archive `vault_b` on a second MariaDB server. `orders` exists in both sources, with
 * different rows; each policy archives into its own archive, and reads come from there.
 */
describeMariaDb('several databases [mariadb]', () => {
  let second: ThrowawayMariaDb;
  let databases: TestDatabases;
  let shop: ConnectionTarget;
  let vault: ConnectionTarget;
  let app: TestApp;
  let admin: AdminClient;

  const policies = [
    { tableName: 'orders', sourceConnection: 'source', archiveConnection: 'archive' },
    { tableName: 'customers', sourceConnection: 'source', archiveConnection: 'vault_b' },
    { tableName: 'orders', sourceConnection: 'shop_b', archiveConnection: 'vault_b' },
    { tableName: 'invoices', sourceConnection: 'shop_b', archiveConnection: 'archive' },
  ];

  beforeAll(async () => {
    second = await startThrowawayMariaDb({ rootPassword: 'second-root-pw-24', bufferPoolSize: '32M' });
    databases = await createTestDatabases('mysql');
    shop = await createConnectionTarget(testMysqlUrl() ?? '', 'shop', ROLE_GRANTS.source);
    vault = await createConnectionTarget(second.url('mysql'), 'vault', ROLE_GRANTS.archive);
    app = await startTestApp(databases, { ENCRYPTION_KEY: newEncryptionKey(), METRICS_BACKLOG_INTERVAL_SECONDS: '1' });
    admin = adminClient(app, await app.adminToken());

    await createNotedTable(databases.source, 'orders', { old: 30, recent: 5, note: 'built-in order' });
    await createNotedTable(databases.source, 'customers', { old: 12, recent: 3, note: 'built-in customer' });
    await createNotedTable(shop.sql, 'orders', { old: 20, recent: 4, note: 'shop_b order' });
    await createNotedTable(shop.sql, 'invoices', { old: 7, recent: 2, note: 'shop_b invoice' });

    await addConnection(admin, { name: 'shop_b', role: 'source', url: shop.url });
    await addConnection(admin, {
      name: 'vault_b',
      role: 'archive',
      engine: 'mariadb',
      host: vault.host,
      port: vault.port,
      database: vault.schema,
      user: vault.user,
      password: vault.password,
    });
    for (const policy of policies) {
      const response = await admin.post('/api/v1/policies', {
        ...policy,
        dateColumn: 'created_at',
        archiveAfterDays: 30,
        deleteAfterDays: 50,
      });
      expect(response.status).toBe(201);
    }
  });

  afterAll(async () => {
    await app?.close();
    await shop?.drop();
    await vault?.drop();
    await databases?.drop();
    await second?.stop();
  });

  /** Notes of a table, sorted: where its rows came from. */
  const notes = async (sql: RawSql, table: string) =>
    (await sql<{ note: string }>(`SELECT note FROM \`${table}\` ORDER BY id`)).map((row) => row.note);

  it('keeps one policy per source connection and table, each naming its connections', async () => {
    const listed = (await admin.get('/api/v1/policies')).body as Array<Record<string, unknown>>;
    expect(
      listed.map(({ tableName, sourceConnection, archiveConnection }) => ({
        tableName,
        sourceConnection,
        archiveConnection,
      })),
    ).toEqual(expect.arrayContaining(policies));
    expect(listed).toHaveLength(4);
    expect((await admin.get('/api/v1/policies/orders')).body).toMatchObject({ sourceConnection: 'source' });
    expect((await admin.get('/api/v1/policies/orders?connection=shop_b')).body).toMatchObject({
      sourceConnection: 'shop_b',
      archiveConnection: 'vault_b',
    });
    // Other query parameters stay ignored, as before connections; a malformed connection is a 400.
    expect((await admin.get('/api/v1/policies/orders?cacheBuster=1')).body).toMatchObject({
      sourceConnection: 'source',
    });
    const malformed = await admin.get('/api/v1/policies/orders?connection=no%20such');
    expect({ status: malformed.status, message: malformed.body.message }).toEqual({
      status: 400,
      message: ['connection: a connection name is 1 to 32 characters: a letter, then letters, digits, "_" or "-"'],
    });
    const missing = await admin.get('/api/v1/policies/invoices');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(
      'no policy for table "invoices"; it has a policy on "shop_b" (add ?connection=shop_b)',
    );
  });

  it('previews each policy on its own connections', async () => {
    const preview = await admin.get('/api/v1/policies/orders/preview?connection=shop_b');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      tableName: 'orders',
      sourceConnection: 'shop_b',
      archiveConnection: 'vault_b',
      rowsToArchive: 20,
    });
    expect((await admin.get('/api/v1/policies/orders/preview')).body).toMatchObject({ rowsToArchive: 30 });
  });

  it('archives every policy into its own archive, and only its own rows', async () => {
    const runs: RunBody[] = [];
    for (const policy of policies) {
      const started = await admin.post(
        `/api/v1/policies/${policy.tableName}/run?connection=${policy.sourceConnection}`,
        { job: 'archive' },
      );
      expect(started.status).toBe(202);
      runs.push(await waitForRunEnd(caller(app, await app.adminToken()), started.body.runId as number));
    }
    expect(
      runs.map((run) => [run.status, run.tableName, run.sourceConnection, run.archiveConnection, run.rowsArchived]),
    ).toEqual([
      ['succeeded', 'orders', 'source', 'archive', 30],
      ['succeeded', 'customers', 'source', 'vault_b', 12],
      ['succeeded', 'orders', 'shop_b', 'vault_b', 20],
      ['succeeded', 'invoices', 'shop_b', 'archive', 7],
    ]);

    // The built-in archive holds built-in orders and shop_b's invoices; the second server's vault
    // holds shop_b's orders and the built-in customers. The sources keep their recent rows only.
    const range = (prefix: string, from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);
    expect(await notes(databases.archive, 'orders')).toEqual(range('built-in order', 1, 30));
    expect(await notes(databases.archive, 'invoices')).toEqual(range('shop_b invoice', 1, 7));
    expect(await notes(vault.sql, 'orders')).toEqual(range('shop_b order', 1, 20));
    expect(await notes(vault.sql, 'customers')).toEqual(range('built-in customer', 1, 12));
    expect(
      await databases.archive(
        "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'customers'",
      ),
    ).toEqual([]);
    expect(await notes(databases.source, 'orders')).toEqual(range('built-in order', 31, 35));
    expect(await notes(shop.sql, 'orders')).toEqual(range('shop_b order', 21, 24));
    expect(await notes(shop.sql, 'invoices')).toEqual(range('shop_b invoice', 8, 9));
  });

  it('reads each archive from where it was archived to', async () => {
    const read = async (path: string) => {
      const response = await admin.get(path);
      expect(response.status).toBe(200);
      return (response.body.items as Array<{ note: string }>).map((row) => row.note);
    };
    expect(await read('/api/v1/archives/orders?limit=3')).toEqual([
      'built-in order 1',
      'built-in order 2',
      'built-in order 3',
    ]);
    expect(await read('/api/v1/archives/orders?limit=3&connection=source')).toEqual([
      'built-in order 1',
      'built-in order 2',
      'built-in order 3',
    ]);
    expect(await read('/api/v1/archives/orders?limit=3&connection=shop_b')).toEqual([
      'shop_b order 1',
      'shop_b order 2',
      'shop_b order 3',
    ]);
    // A table archived from one connection only is read by its name alone.
    expect(await read('/api/v1/archives/invoices?limit=2')).toEqual(['shop_b invoice 1', 'shop_b invoice 2']);
    expect(await read('/api/v1/archives/customers?limit=2')).toEqual(['built-in customer 1', 'built-in customer 2']);
    expect((await admin.get('/api/v1/archives/orders?connection=nowhere')).status).toBe(404);
  });

  it('lets a bare permission read the table on every connection, a qualified one only on its connection', async () => {
    const everywhere = caller(app, await app.createUser('reader_all', ['orders']));
    const onlyShop = caller(app, await app.createUser('reader_shop', ['shop_b/orders']));
    expect((await everywhere.get('/api/v1/archives/orders?limit=1')).status).toBe(200);
    expect((await everywhere.get('/api/v1/archives/orders?limit=1&connection=shop_b')).status).toBe(200);
    const shopPage = await onlyShop.get('/api/v1/archives/orders?limit=1&connection=shop_b');
    expect(shopPage.status).toBe(200);
    expect(shopPage.body.items[0].note).toBe('shop_b order 1');
    expect((await onlyShop.get('/api/v1/archives/orders?limit=1')).status).toBe(403);
    expect((await onlyShop.get('/api/v1/archives/orders?limit=1&connection=source')).status).toBe(403);
    expect((await onlyShop.get('/api/v1/policies/orders?connection=shop_b')).status).toBe(200);
    expect((await onlyShop.get('/api/v1/policies/orders')).status).toBe(403);
  });

  it('runs both policies of the same table name in one scheduled tick, each on its own connections', async () => {
    const old = (id: number, note: string) => [
      id,
      1,
      note,
      new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 19).replace('T', ' '),
    ];
    await databases.source(
      'INSERT INTO orders (id, customer_id, note, created_at) VALUES (?, ?, ?, ?)',
      old(101, 'built-in order 101'),
    );
    await shop.sql(
      'INSERT INTO orders (id, customer_id, note, created_at) VALUES (?, ?, ?, ?)',
      old(101, 'shop_b order 101'),
    );

    const runs = await app.app.get(ScheduledJobs).runAll('archive');
    const ordersRuns = runs.filter((run) => run.tableName === 'orders');
    expect(ordersRuns.map((run) => [run.sourceConnection, run.status, run.rowsArchived])).toEqual([
      ['shop_b', 'succeeded', 1],
      ['source', 'succeeded', 1],
    ]);
    expect((await notes(databases.archive, 'orders')).at(-1)).toBe('built-in order 101');
    expect((await notes(vault.sql, 'orders')).at(-1)).toBe('shop_b order 101');
  });

  it('records the connection in runs and audit entries', async () => {
    const runs = (await admin.get('/api/v1/runs?connection=shop_b')).body as RunBody[];
    expect(new Set(runs.map((run) => `${run.sourceConnection}/${run.tableName}`))).toEqual(
      new Set(['shop_b/invoices', 'shop_b/orders']),
    );
    const audit = (await admin.get('/api/v1/audit?connection=shop_b&limit=100')).body as Array<{
      action: string;
      connection: string;
    }>;
    expect(new Set(audit.map((entry) => entry.action))).toEqual(
      new Set(['connection.create', 'policy.upsert', 'run.start', 'archive.read']),
    );
    expect(audit.every((entry) => entry.connection === 'shop_b')).toBe(true);
  });

  it('labels metrics by connection and counts each backlog on its own source', async () => {
    // Three more overdue invoices in shop_b, and the date index the backlog count needs. The built-in
    // source has no invoices table: a count that read it would show no series at all.
    await shop.sql('CREATE INDEX ix_invoices_created ON invoices (created_at)');
    await shop.sql(
      `INSERT INTO invoices (id, customer_id, note, created_at) VALUES (101, 1, 'late', UTC_TIMESTAMP() - INTERVAL 40 DAY),
       (102, 1, 'late', UTC_TIMESTAMP() - INTERVAL 40 DAY), (103, 1, 'late', UTC_TIMESTAMP() - INTERVAL 40 DAY)`,
    );
    const samples = await waitFor('the backlog of shop_b invoices', async () => {
      const scraped = parseExposition((await admin.get('/metrics')).text);
      return valueOf(scraped, 'das_archive_backlog_rows', { connection: 'shop_b', table: 'invoices' }) === 3 && scraped;
    });
    // Counters are this process's runs: each equals the sum over the runs recorded for that policy.
    const runs = (await admin.get('/api/v1/runs?limit=100')).body as RunBody[];
    for (const policy of policies) {
      const archived = runs
        .filter((run) => run.sourceConnection === policy.sourceConnection && run.tableName === policy.tableName)
        .reduce((sum, run) => sum + (run.rowsArchived ?? 0), 0);
      expect(
        valueOf(samples, 'das_rows_archived_total', { connection: policy.sourceConnection, table: policy.tableName }),
      ).toBe(archived);
    }
    expect(valueOf(samples, 'das_archive_backlog_rows', { connection: 'source', table: 'invoices' })).toBeUndefined();
    await shop.sql('DELETE FROM invoices WHERE id > 100');
  });

  it('refuses to delete a connection that policies use, naming them', async () => {
    const response = await admin.delete('/api/v1/connections/vault_b');
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(
      'connection "vault_b" is used by 2 policies: shop_b/orders, source/customers; delete them or point them at another connection first',
    );
    expect((await admin.delete('/api/v1/connections/source')).status).toBe(409);
  });

  it('refuses a policy whose connections have the wrong role or different engines', async () => {
    await addConnection(admin, {
      name: 'local_file',
      role: 'archive',
      url: `sqlite:${databases.baseDir}/local.sqlite`,
    });
    const body = { tableName: 'orders', dateColumn: 'created_at', archiveAfterDays: 30, deleteAfterDays: 50 };
    const refusals: Array<[Record<string, string>, string[]]> = [
      [
        { sourceConnection: 'shop_b', archiveConnection: 'local_file' },
        ['source and archive connections must use the same engine ("shop_b" is mysql, "local_file" is sqlite)'],
      ],
      [
        { sourceConnection: 'vault_b', archiveConnection: 'shop_b' },
        ['sourceConnection: "vault_b" is an archive connection', 'archiveConnection: "shop_b" is a source connection'],
      ],
      [{ sourceConnection: 'nowhere' }, ['sourceConnection: no connection named "nowhere"']],
    ];
    for (const [connections, message] of refusals) {
      const response = await admin.post('/api/v1/policies', { ...body, ...connections });
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message });
    }
    // Nothing was saved by the refused attempts.
    expect(((await admin.get('/api/v1/policies')).body as unknown[]).length).toBe(4);
  });

  it('never returns a password, and says whether one is stored', async () => {
    const response = await admin.get('/api/v1/connections');
    expect(response.status).toBe(200);
    const byName = Object.fromEntries((response.body as Array<{ name: string }>).map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['source', 'archive', 'local_file', 'shop_b', 'vault_b']);
    expect(byName.shop_b).toMatchObject({
      role: 'source',
      engine: 'mysql',
      host: shop.host,
      database: shop.schema,
      user: shop.user,
      hasPassword: true,
      builtIn: false,
      usedBy: ['shop_b/invoices', 'shop_b/orders'],
    });
    expect(byName.vault_b).toMatchObject({
      engine: 'mariadb',
      hasPassword: true,
      usedBy: ['shop_b/orders', 'source/customers'],
    });
    expect(byName.source).toMatchObject({ builtIn: true, configuredBy: 'SOURCE_DB_URL', hasPassword: true });
    for (const secret of [shop.password, vault.password, encodeURIComponent(shop.password)]) {
      expect(response.text).not.toContain(secret);
    }
    expect(JSON.stringify(response.body)).not.toMatch(/"password"/);
  });
});
