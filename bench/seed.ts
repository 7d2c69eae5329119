/**
 * The benchmark data: a realistic `orders` table (the same rows as shared/bench/seed.sh), and the
 * archive copy of such a table as DAS creates it (for the purge job). Rows are generated on the
 * server from MariaDB's `seq_1_to_N` sequence tables, so seeding a million rows takes seconds and
 * never leaves the server. Content is derived from the id only: the same N gives the same rows.
 */
import { DatabaseRef, TableRef, qualified, quoteId, scalar, scalarNumber } from './db';

export type TableKind = 'orders' | 'archived-orders';

/** The columns every mover must carry over unchanged (checksummed in both jobs). */
export const ORDERS_COLUMNS = ['id', 'customer_id', 'status', 'amount', 'note', 'payload', 'created_at'] as const;
/** The columns DAS adds to an archive table. */
export const ARCHIVE_EXTRA_COLUMNS = ['archived_at', 'archive_run_id'] as const;

const DAY_US = 86_400_000_000;
const SPAN_DAYS = 1000;
/** Archived rows start here: they were archived 181 days after creation, by a nightly run. */
const ARCHIVED_MIN_AGE_DAYS = 182;
export const DEFAULT_CHUNK_ROWS = 200_000;

export async function ensureDatabase(db: DatabaseRef): Promise<void> {
  await db.conn.query(
    `CREATE DATABASE IF NOT EXISTS ${quoteId(db.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
  );
}

export async function dropTable(ref: TableRef): Promise<void> {
  await ref.conn.query(`DROP TABLE IF EXISTS ${qualified(ref)}`);
}

/**
 * `orders` as a production table has it; `archived-orders` as DAS creates its archive copy: the same
 * columns and primary key, no AUTO_INCREMENT, plus `archived_at` and `archive_run_id`.
 */
export function tableDdl(ref: { database: string; table: string }, kind: TableKind): string {
  const archived = kind === 'archived-orders';
  return `CREATE TABLE ${qualified(ref)} (
    id          BIGINT UNSIGNED NOT NULL${archived ? '' : ' AUTO_INCREMENT'},
    customer_id INT NOT NULL,
    status      VARCHAR(16) NOT NULL,
    amount      DECIMAL(12,2) NOT NULL,
    note        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
    payload     JSON NULL,
    created_at  DATETIME(6) NOT NULL,${archived ? '\n    archived_at DATETIME(6) NOT NULL,\n    archive_run_id BIGINT NOT NULL,' : ''}
    PRIMARY KEY (id),
    KEY idx_created_at (created_at)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;
}

/**
 * The SELECT list that generates rows `lo..hi` of an N-row table. `created_at` is spread uniformly
 * over 1000 days before `seedNow` (archived rows: starting 182 days back) and grows with the id, with
 * up to three row-gaps of jitter, the way inserts land in a real orders table.
 */
function generatedRowsSql(kind: TableKind, rows: number, seedNow: string, lo: number, hi: number): string {
  const stepUs = Math.floor((SPAN_DAYS * DAY_US) / rows);
  const minAgeUs = kind === 'archived-orders' ? ARCHIVED_MIN_AGE_DAYS * DAY_US : 0;
  const ageUs = `(${minAgeUs} + (${rows} - seq) * ${stepUs} + CRC32(CONCAT('j', seq)) % (${stepUs} * 3 + 1))`;
  const createdAt = `(TIMESTAMP'${seedNow}' - INTERVAL ${ageUs} MICROSECOND)`;
  const archiveColumns =
    kind === 'archived-orders'
      ? `,\n       TIMESTAMP(DATE(${createdAt} + INTERVAL 181 DAY), '02:00:00'),
       TO_DAYS(${createdAt} + INTERVAL 181 DAY)`
      : '';
  // String.raw: the backslashes below are SQL escapes (newline, tab, one backslash), sent as written.
  return String.raw`SELECT seq,
       1 + CRC32(CONCAT('c', seq)) % 50000,
       ELT(1 + CRC32(CONCAT('s', seq)) % 10, 'delivered', 'delivered', 'delivered', 'delivered',
           'shipped', 'shipped', 'paid', 'pending', 'cancelled', 'refunded'),
       (CRC32(CONCAT('a', seq)) % 2000000) / 100,
       IF(seq % 10 = 0, NULL,
          CONCAT(ELT(1 + seq % 9,
                     'Please leave at the door',
                     'Café crème & croissants ☕',
                     'Grüße aus München – Lieferung bitte am Montag',
                     '東京都渋谷区への配送 🚚📦',
                     'Спасибо за заказ!',
                     'Gift wrap 🎁 with card: Happy birthday 🎂🎉',
                     'Ça coûte 15 € — naïve façade',
                     'Customer said: "ring twice", it''s the 2nd floor',
                     'multi-line\nnote with a tab\there and a back\\slash'),
                 ' #', seq)),
       IF(seq % 50 = 0, NULL,
          JSON_OBJECT('sku', CONCAT('SKU-', LPAD(seq % 5000, 5, '0')),
                      'qty', 1 + seq % 5,
                      'channel', ELT(1 + seq % 3, 'web', 'app', 'store'),
                      'gift', seq % 7 = 0,
                      'tags', JSON_ARRAY(ELT(1 + seq % 4, 'new', 'repeat', 'vip', 'promo'), 'eu'),
                      'ship_to', JSON_OBJECT('city', ELT(1 + seq % 5, 'Berlin', '東京', 'São Paulo', 'Zürich', 'Kraków'),
                                             'zip', LPAD(seq % 99999, 5, '0')))),
       ${createdAt}${archiveColumns}
FROM seq_${lo}_to_${hi}`;
}

export interface SeedResult {
  rows: number;
  seconds: number;
  /** The server time the ages were measured from. */
  seedNow: string;
}

/** Drops and recreates `ref` as `kind`, then fills it with `rows` generated rows. */
export async function seedTable(
  ref: TableRef,
  kind: TableKind,
  rows: number,
  chunkRows = DEFAULT_CHUNK_ROWS,
): Promise<SeedResult> {
  if (!Number.isInteger(rows) || rows < 1) {
    throw new Error(`rows must be a positive integer, got ${rows}`);
  }
  const started = performance.now();
  await ensureDatabase(ref);
  await dropTable(ref);
  await ref.conn.query(tableDdl(ref, kind));
  const seedNow = await scalar(ref.conn, "SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f')");
  const columns = [...ORDERS_COLUMNS, ...(kind === 'archived-orders' ? ARCHIVE_EXTRA_COLUMNS : [])];
  // The sequence engine's virtual tables live in every database; name ours so the FROM resolves.
  await ref.conn.query(`USE ${quoteId(ref.database)}`);
  for (let lo = 1; lo <= rows; lo += chunkRows) {
    const hi = Math.min(lo + chunkRows - 1, rows);
    await ref.conn.query(
      `INSERT INTO ${qualified(ref)} (${columns.join(', ')})\n${generatedRowsSql(kind, rows, seedNow, lo, hi)}`,
    );
  }
  await ref.conn.query(`ANALYZE TABLE ${qualified(ref)}`);
  return { rows, seconds: (performance.now() - started) / 1000, seedNow };
}

/**
 * Replaces `to` with a row-for-row copy of `from` (same server), in primary-key chunks so no single
 * transaction grows huge. Cheaper than generating the rows again, and every run gets the same bytes.
 */
export async function copyTable(from: TableRef, to: TableRef, chunkRows = DEFAULT_CHUNK_ROWS): Promise<number> {
  const started = performance.now();
  await ensureDatabase(to);
  await dropTable(to);
  await to.conn.query(`CREATE TABLE ${qualified(to)} LIKE ${qualified(from)}`);
  const maxId = await scalarNumber(from.conn, `SELECT COALESCE(MAX(id), 0) FROM ${qualified(from)}`);
  for (let lo = 1; lo <= maxId; lo += chunkRows) {
    await to.conn.query(`INSERT INTO ${qualified(to)} SELECT * FROM ${qualified(from)} WHERE id BETWEEN ? AND ?`, [
      lo,
      lo + chunkRows - 1,
    ]);
  }
  await to.conn.query(`ANALYZE TABLE ${qualified(to)}`);
  return (performance.now() - started) / 1000;
}

/**
 * Replaces `to` with an empty table defined like `from`, possibly on another server (this is where
 * pt-archiver and the SQL floor write; DAS creates its own archive table instead).
 */
export async function cloneEmptyTable(from: TableRef, to: TableRef): Promise<void> {
  const [rows] = await from.conn.query({ sql: `SHOW CREATE TABLE ${qualified(from)}`, rowsAsArray: true });
  const ddl = String((rows as unknown[][])[0][1])
    .replace(/^CREATE TABLE `(?:[^`]|``)+`/, `CREATE TABLE ${qualified(to)}`)
    .replace(/ AUTO_INCREMENT=\d+/, '');
  await ensureDatabase(to);
  await dropTable(to);
  await to.conn.query(ddl);
}
