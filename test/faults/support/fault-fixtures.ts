import { RawSql, TestDatabases } from '../../support/test-databases';

/** Columns of `orders`, the table every fault test archives. */
export const ORDER_COLUMNS = ['id', 'customer_id', 'note', 'amount', 'created_at'];

/**
 * `orders` in the source: rows 1..n, every fifth one young (5 days old) and the others old (400
 * days), generated on the server so that half a million rows take a second or two.
 */
export async function seedOrders(databases: TestDatabases, rows: number, table = 'orders'): Promise<void> {
  await databases.source(`DROP TABLE IF EXISTS ${table}`);
  await databases.archive(`DROP TABLE IF EXISTS ${table}`);
  await databases.source(
    `CREATE TABLE ${table} (id BIGINT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(100),
       amount DECIMAL(12,2), created_at DATETIME(6) NOT NULL, KEY by_created (created_at))`,
  );
  for (let first = 1; first <= rows; first += 100_000) {
    const last = Math.min(rows, first + 99_999);
    await databases.source(
      `INSERT INTO ${table} SELECT seq, seq % 97, CONCAT('note ', seq, IF(seq % 7 = 0, ' é\\t✓', '')),
         seq * 1.25, UTC_TIMESTAMP(6) - INTERVAL IF(seq % 5 = 0, 5, 400) DAY - INTERVAL seq SECOND
         FROM seq_${first}_to_${last}`,
    );
  }
}

/** A cron expression (with seconds) that fires once a day, at `at` (UTC): one scheduled tick. */
export function dailyAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

/** Rows `seedOrders` makes old enough to archive with archiveAfterDays 30. */
export function oldRowsOf(rows: number): number {
  return rows - Math.floor(rows / 5);
}

/** Seeds `rows` rows into each of `tables` (see seedOrders); each table's checksum before any job. */
export async function seedTables(
  databases: TestDatabases,
  tables: string[],
  rows: number,
): Promise<Map<string, Checksum>> {
  const before = new Map<string, Checksum>();
  for (const table of tables) {
    await seedOrders(databases, rows, table);
    before.set(table, await checksumOf(databases.source, table));
  }
  return before;
}

/**
 * An order-independent checksum of a table's rows (count and two exact sums of 60-bit slices of
 * each row's MD5): a lost, duplicated or changed row changes it, whatever the order.
 */
export interface Checksum {
  rows: bigint;
  high: bigint;
  low: bigint;
}

export async function checksumOf(sql: RawSql, table = 'orders', columns = ORDER_COLUMNS): Promise<Checksum> {
  const exists = await sql(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  if (exists.length === 0) {
    return { rows: 0n, high: 0n, low: 0n };
  }
  const fields = columns.map((column) => `IFNULL(CAST(\`${column}\` AS BINARY), 'N')`).join(', ');
  const [row] = await sql<{ n: string; high: string | null; low: string | null }>(
    `SELECT COUNT(*) AS n,
       SUM(CAST(CONV(SUBSTRING(h, 1, 15), 16, 10) AS UNSIGNED)) AS high,
       SUM(CAST(CONV(SUBSTRING(h, 16, 15), 16, 10) AS UNSIGNED)) AS low
     FROM (SELECT MD5(CONCAT_WS('|', ${fields})) AS h FROM \`${table}\`) AS t`,
  );
  return { rows: BigInt(row.n), high: BigInt(row.high ?? 0), low: BigInt(row.low ?? 0) };
}

export function sumOf(...checksums: Checksum[]): Checksum {
  return checksums.reduce((a, b) => ({ rows: a.rows + b.rows, high: a.high + b.high, low: a.low + b.low }), {
    rows: 0n,
    high: 0n,
    low: 0n,
  });
}

/** Source and archive together: equal to the source's before a run when nothing was lost or duplicated. */
export async function everywhere(databases: TestDatabases, table = 'orders'): Promise<Checksum> {
  return sumOf(await checksumOf(databases.source, table), await checksumOf(databases.archive, table));
}

/** Keys present in both the source and the archive (same server only): after a finished run, none. */
export async function keysInBoth(databases: TestDatabases, table = 'orders'): Promise<number> {
  const [row] = await databases.source<{ n: number }>(
    `SELECT COUNT(*) AS n FROM \`${databases.names.source}\`.\`${table}\` s
       JOIN \`${databases.names.archive}\`.\`${table}\` a ON a.id = s.id`,
  );
  return Number(row.n);
}
