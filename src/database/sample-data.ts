import { DataSource } from 'typeorm';

/** Rows in the sample `orders` table of a new embedded source database. */
export const SAMPLE_ORDER_COUNT = 30_000;
const SAMPLE_SPAN_DAYS = 3 * 365;
const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const NOTES = [
  'Leave at the door',
  'Livraison express — fragile',
  'Geschenkverpackung bitte 🎁',
  '請在下午送達',
  'Позвонить заранее',
  'Customer said "ASAP" ☕',
  null,
];

/**
 * Creates and fills the sample `orders` table so that a newcomer can archive something at once.
 * Rows are spread over the last three years, oldest first, the way a real orders table grows;
 * the content is derived from the id, so every seed is the same apart from the dates.
 */
export async function seedSampleOrders(dataSource: DataSource, now: Date = new Date()): Promise<void> {
  await dataSource.query(`CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    amount DECIMAL(12,2) NOT NULL,
    currency CHAR(3) NOT NULL,
    note TEXT,
    payload TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME
  )`);
  await dataSource.query('CREATE INDEX idx_orders_created_at ON orders (created_at)');
  const spanMs = SAMPLE_SPAN_DAYS * 86_400_000;
  const start = now.getTime() - spanMs;
  const chunk = 500;
  for (let first = 1; first <= SAMPLE_ORDER_COUNT; first += chunk) {
    const rows: unknown[] = [];
    const last = Math.min(first + chunk - 1, SAMPLE_ORDER_COUNT);
    for (let id = first; id <= last; id++) {
      const created = new Date(start + Math.floor((spanMs * (id - 0.5)) / SAMPLE_ORDER_COUNT));
      const updated = id % 3 === 0 ? new Date(created.getTime() + 3_600_000 * (id % 48)) : null;
      rows.push(
        id,
        1000 + ((id * 7919) % 5000),
        STATUSES[id % STATUSES.length],
        ((id * 137) % 100_000) / 100 + 1,
        ['EUR', 'USD', 'GBP'][id % 3],
        NOTES[id % NOTES.length],
        id % 50 === 0 ? null : JSON.stringify({ items: 1 + (id % 5), channel: id % 2 ? 'web' : 'app' }),
        sqliteDateTime(created),
        updated ? sqliteDateTime(updated) : null,
      );
    }
    const placeholders = new Array(last - first + 1).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await dataSource.query(
      `INSERT INTO orders (id, customer_id, status, amount, currency, note, payload, created_at, updated_at) VALUES ${placeholders}`,
      rows,
    );
  }
}

function sqliteDateTime(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}
