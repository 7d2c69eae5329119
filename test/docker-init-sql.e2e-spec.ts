import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from 'mysql2/promise';
import { ThrowawayMariaDb, startThrowawayMariaDb } from '../tools/throwaway-mariadb';
import { TestApp, startTestApp } from './support/test-app';
import { describeMariaDb, mysqlConnection } from './support/test-databases';

const INIT_SQL = join(__dirname, '..', 'docker', 'mysql-init', '01-databases.sql');
const DAS_PASSWORD = 'das-compose-password';

/**
 * docker-compose's database container runs docker/mysql-init/01-databases.sql once as root, after
 * creating the `das` user. This replays that on a private MariaDB server and then uses the result
 * the way the `das` container would.
 */
describeMariaDb('docker/mysql-init/01-databases.sql [mariadb]', () => {
  let server: ThrowawayMariaDb;
  let root: Connection;
  let das: Connection;

  beforeAll(async () => {
    server = await startThrowawayMariaDb({ bufferPoolSize: '32M' });
    root = await mysqlConnection(server.url(''));
    // What the image entrypoint does with MARIADB_USER / MARIADB_PASSWORD before running init scripts.
    await root.query(`CREATE USER 'das'@'%' IDENTIFIED BY '${DAS_PASSWORD}'`);
    await root.query(readFileSync(INIT_SQL, 'utf8'));
    das = await mysqlConnection(`mysql://das:${DAS_PASSWORD}@127.0.0.1:${server.port}/das_source`);
  });

  afterAll(async () => {
    await das?.end();
    await root?.end();
    await server?.stop();
  });

  const query = async <T>(connection: Connection, sql: string): Promise<T[]> => (await connection.query(sql))[0] as T[];

  it('creates the three databases in utf8mb4', async () => {
    const rows = await query<{ name: string; charset: string }>(
      root,
      "SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'das\\_%' ORDER BY 1",
    );
    expect(rows).toEqual([
      { name: 'das_archive', charset: 'utf8mb4' },
      { name: 'das_control', charset: 'utf8mb4' },
      { name: 'das_source', charset: 'utf8mb4' },
    ]);
  });

  it('creates orders with a BIGINT auto-increment key, mixed column types and an index on created_at', async () => {
    const columns = await query<{ name: string; type: string; extra: string; key: string }>(
      root,
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, EXTRA AS extra, COLUMN_KEY AS \`key\`
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'das_source' AND TABLE_NAME = 'orders'
         ORDER BY ORDINAL_POSITION`,
    );
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'bigint(20)'],
      ['customer_id', 'int(11)'],
      ['status', 'varchar(16)'],
      ['amount', 'decimal(12,2)'],
      ['currency', 'char(3)'],
      ['note', 'text'],
      // MariaDB stores JSON as LONGTEXT with a json_valid() check.
      ['payload', 'longtext'],
      ['created_at', 'datetime(6)'],
      ['updated_at', 'datetime(6)'],
    ]);
    expect(columns[0]).toMatchObject({ extra: 'auto_increment', key: 'PRI' });
    const indexes = await query<{ name: string; column: string }>(
      root,
      `SELECT INDEX_NAME AS name, COLUMN_NAME AS \`column\` FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = 'das_source' AND TABLE_NAME = 'orders' AND INDEX_NAME <> 'PRIMARY'`,
    );
    expect(indexes).toEqual([{ name: 'idx_orders_created_at', column: 'created_at' }]);
  });

  it('fills a few thousand orders spread over three years up to now', async () => {
    const [stats] = await query<{ count: number; oldest: string; newest: string; firstId: string; lastId: string }>(
      root,
      `SELECT COUNT(*) AS count, MIN(created_at) AS oldest, MAX(created_at) AS newest,
              MIN(id) AS firstId, MAX(id) AS lastId FROM das_source.orders`,
    );
    expect(Number(stats.count)).toBe(6000);
    expect([stats.firstId, stats.lastId]).toEqual(['1', '6000']);
    const day = 86_400_000;
    const oldest = Date.parse(`${stats.oldest}Z`);
    const newest = Date.parse(`${stats.newest}Z`);
    expect(newest).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - newest).toBeLessThan(day);
    expect((newest - oldest) / day).toBeGreaterThan(3 * 365 - 2);
    // Ascending ids go with ascending dates, like a real append-only table.
    const [{ outOfOrder }] = await query<{ outOfOrder: number }>(
      root,
      'SELECT COUNT(*) AS outOfOrder FROM das_source.orders a JOIN das_source.orders b ON b.id = a.id + 1 WHERE b.created_at < a.created_at',
    );
    expect(Number(outOfOrder)).toBe(0);
  });

  it('stores non-ASCII text, valid JSON, NULLs and sub-second times', async () => {
    const rows = await query<{
      id: string;
      note: string | null;
      payload: string | null;
      created_at: string;
      updated_at: string | null;
    }>(
      root,
      'SELECT id, note, payload, created_at, updated_at FROM das_source.orders WHERE id IN (1, 2, 3, 6, 50) ORDER BY id',
    );
    expect(rows.map((r) => r.note)).toEqual([
      'Livraison express — fragile',
      'Geschenkverpackung bitte 🎁',
      '請在下午送達',
      null,
      'Livraison express — fragile',
    ]);
    expect(JSON.parse(rows[1].payload ?? '')).toEqual({ items: 3, channel: 'app' });
    expect(rows[4].payload).toBeNull();
    expect(rows.map((r) => r.updated_at === null)).toEqual([true, true, false, false, true]);
    expect(rows.some((r) => !r.created_at.endsWith('.000000'))).toBe(true);
  });

  it('lets the das user read with row locks and delete in the source, but not change its schema', async () => {
    await das.query('START TRANSACTION');
    const [locked] = await das.query('SELECT id FROM das_source.orders ORDER BY id LIMIT 3 FOR UPDATE');
    expect(locked).toHaveLength(3);
    const [deleted] = await das.query('DELETE FROM das_source.orders WHERE id = 1');
    expect((deleted as { affectedRows: number }).affectedRows).toBe(1);
    await das.query('ROLLBACK');
    await expect(das.query('CREATE TABLE das_source.intruder (id INT)')).rejects.toThrow(/denied/i);
    await expect(das.query('UPDATE das_source.orders SET status = status WHERE id = 1')).rejects.toThrow(/denied/i);
  });

  it('lets the das user create and fill tables in the control and archive databases', async () => {
    for (const database of ['das_control', 'das_archive']) {
      await das.query(`CREATE TABLE ${database}.probe (id BIGINT PRIMARY KEY, created_at DATETIME(6))`);
      await das.query(`INSERT INTO ${database}.probe SELECT id, created_at FROM das_source.orders WHERE id <= 10`);
      await das.query(`DROP TABLE ${database}.probe`);
    }
  });

  describe('DAS configured as in docker-compose.yml', () => {
    let app: TestApp;

    beforeAll(async () => {
      const url = (database: string) => `mysql://das:${DAS_PASSWORD}@127.0.0.1:${server.port}/${database}`;
      app = await startTestApp({ engine: 'mysql', baseDir: server.dir, env: {} } as never, {
        CONTROL_DB_URL: url('das_control'),
        SOURCE_DB_URL: url('das_source'),
        ARCHIVE_DB_URL: url('das_archive'),
      });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('migrates the control database and is ready', async () => {
      expect((await app.http().get('/ready')).status).toBe(200);
      const tables = await query<{ name: string }>(
        root,
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'das_control'",
      );
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'policies', 'das_migrations']));
    });

    it('accepts a policy for the sample orders table', async () => {
      const response = await app
        .http()
        .post('/api/v1/policies')
        .set('Authorization', `Bearer ${await app.adminToken()}`)
        .send({ tableName: 'orders', dateColumn: 'created_at', archiveAfterDays: 365, deleteAfterDays: 730 });
      expect(response.status).toBe(201);
    });
  });
});
