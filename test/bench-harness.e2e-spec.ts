import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'mysql2/promise';
import {
  DatabaseRef,
  ServerRef,
  TableRef,
  connect,
  qualified,
  quoteId,
  scalarNumber,
  serverFromUrl,
} from '../bench/db';
import { SqlFloorMover } from '../bench/movers/sql-floor';
import { RunSetup, runOnce } from '../bench/run-once';
import { seedTable } from '../bench/seed';
import { verify } from '../bench/verify';
import { testMysqlUrl } from './support/mariadb-test-server';
import { describeMariaDb } from './support/test-databases';

const ROWS = 2000;

/**
 * The benchmark's own parts on the test server: seeding, the SQL floor mover and the verification
 * that every benchmark figure depends on, including proof that verification can fail.
 */
describeMariaDb('benchmark harness: seeding, SQL floor, verification', () => {
  const prefix = `das_bench_${randomBytes(3).toString('hex')}`;
  let server: ServerRef;
  let conn: Connection;
  let workDir: string;
  const db = (name: string): DatabaseRef => ({ server, conn, database: `${prefix}_${name}` });
  const table = (name: string, tableName: string): TableRef => ({ ...db(name), table: tableName });

  const setup = (job: RunSetup['job'], template: TableRef): RunSetup => ({
    rep: 1,
    job,
    topology: 'same',
    source: db('source'),
    archive: db('archive'),
    template,
    table: 'orders',
    dateColumn: 'created_at',
    days: job === 'archive' ? 180 : 365,
    batchSize: 150,
    workDir,
    logDir: workDir,
    quiesceMaxSeconds: 0,
  });

  beforeAll(async () => {
    server = serverFromUrl(testMysqlUrl() as string).server;
    conn = await connect(server);
    workDir = mkdtempSync(join(tmpdir(), 'das-bench-test-'));
  });

  afterAll(async () => {
    for (const name of ['source', 'archive', 'template']) {
      await conn.query(`DROP DATABASE IF EXISTS ${quoteId(`${prefix}_${name}`)}`);
    }
    await conn.end();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('seeds orders with NULLs, emoji and newline/tab/backslash notes, spread over 1000 days', async () => {
    const orders = table('template', 'orders');
    await seedTable(orders, 'orders', ROWS, 700);
    const count = (where: string) => scalarNumber(conn, `SELECT COUNT(*) FROM ${qualified(orders)} WHERE ${where}`);

    expect(await count('1=1')).toBe(ROWS);
    expect(await count('note IS NULL')).toBe(ROWS / 10);
    expect(await count('payload IS NULL')).toBe(ROWS / 50);
    expect(await count("note LIKE '%🚚📦%'")).toBeGreaterThan(0);
    expect(await count("note LIKE '%\\n%' AND note LIKE '%\\t%' AND note LIKE '%\\\\\\\\%'")).toBeGreaterThan(0);
    expect(await count('created_at < NOW(6) - INTERVAL 999 DAY')).toBeGreaterThan(0);
    expect(await count('created_at < NOW(6) - INTERVAL 1001 DAY')).toBe(0);
  });

  it('archives exactly the rows older than the cutoff with the SQL floor, verified; a changed archived row fails verification', async () => {
    const template = table('template', 'orders');
    const { record, expectation } = await runOnce(setup('archive', template), new SqlFloorMover());

    expect(record.failures).toEqual([]);
    expect(record.status).toBe('verified');
    // ~82% of rows are older than 180 of 1000 days
    expect(record.rows).toBeGreaterThan(ROWS * 0.8);
    expect(record.rows).toBeLessThan(ROWS * 0.84);
    expect(record.rows).toBe(expectation.expectedRows);
    expect(record.batches).toBe(Math.ceil(record.rows / 150));

    await conn.query(`UPDATE ${qualified(table('archive', 'orders'))} SET note = 'tampered' ORDER BY id LIMIT 1`);
    const tampered = await verify(expectation);
    expect(tampered.ok).toBe(false);
    expect(tampered.failures).toEqual([expect.stringMatching(/content checksum .* differs/)]);
  });

  it('purges exactly the archived rows older than the cutoff with the SQL floor, verified; a lost kept row fails verification', async () => {
    const template = table('template', 'archived_orders');
    await seedTable(template, 'archived-orders', ROWS);
    const { record, expectation } = await runOnce(setup('purge', template), new SqlFloorMover());

    expect(record.failures).toEqual([]);
    expect(record.status).toBe('verified');
    expect(record.rows).toBe(expectation.expectedRows);
    expect(record.rows).toBeGreaterThan(0);
    expect(record.rows).toBeLessThan(ROWS);

    await conn.query(`DELETE FROM ${qualified(table('archive', 'orders'))} ORDER BY id DESC LIMIT 1`);
    const lost = await verify(expectation);
    expect(lost.ok).toBe(false);
    expect(lost.failures).toEqual([
      expect.stringMatching(/lost \d+ rows, expected \d+/),
      expect.stringMatching(/content checksum .* differs/),
    ]);
  });
});
