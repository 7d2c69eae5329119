import Database from 'better-sqlite3';
import { MysqlDialect } from '../../database/dialect/mysql-dialect';
import { SqliteDialect } from '../../database/dialect/sqlite-dialect';
import { TableSchema } from '../../database/schema/table-schema';
import { BacklogRow, backlogCountQuery, backlogOf, dateIndexOf } from './backlog-query';

const spec = {
  schema: 'shop',
  table: 'orders',
  index: 'idx_created',
  dateColumn: 'created_at',
  cutoff: '2025-01-01 00:00:00.000000',
  criteria: [{ column: 'status', op: 'in' as const, value: ['delivered', 'refunded'] }],
  maxRows: 1000,
};

function table(indexes: TableSchema['indexes']): TableSchema {
  return { name: 'orders', columns: [], primaryKey: ['id'], indexes };
}

describe('backlogCountQuery', () => {
  it('walks the forced date index for at most maxRows entries and tests each with the engine selection', () => {
    const query = backlogCountQuery(new MysqlDialect(), spec);

    expect(query.sql).toBe(
      'SELECT COUNT(*) AS examined, COALESCE(SUM(qualifies), 0) AS qualifying FROM (' +
        'SELECT CASE WHEN (`created_at` < ?) AND (`status` IN (?, ?)) THEN 1 ELSE 0 END AS qualifies ' +
        'FROM `shop`.`orders` FORCE INDEX (`idx_created`) WHERE (`created_at` < ?) LIMIT 1000) backlog',
    );
    expect(query.params).toEqual([spec.cutoff, 'delivered', 'refunded', spec.cutoff]);
  });

  it('names the index with INDEXED BY on SQLite', () => {
    expect(backlogCountQuery(new SqliteDialect(), { ...spec, schema: 'main', criteria: [] }).sql).toBe(
      'SELECT COUNT(*) AS examined, COALESCE(SUM(qualifies), 0) AS qualifying FROM (' +
        'SELECT CASE WHEN ("created_at" < ?) THEN 1 ELSE 0 END AS qualifies ' +
        'FROM "main"."orders" INDEXED BY "idx_created" WHERE ("created_at" < ?) LIMIT 1000) backlog',
    );
  });

  describe('on a real SQLite table', () => {
    let db: Database.Database;
    const count = (overrides: Partial<typeof spec>) => {
      const query = backlogCountQuery(new SqliteDialect(), { ...spec, schema: 'main', ...overrides });
      return backlogOf(db.prepare(query.sql).get(...query.params) as BacklogRow, overrides.maxRows ?? 1000);
    };

    beforeAll(() => {
      db = new Database(':memory:');
      db.exec(
        'CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, created_at DATETIME);' +
          'CREATE INDEX idx_created ON orders (created_at);',
      );
      const insert = db.prepare('INSERT INTO orders (status, created_at) VALUES (?, ?)');
      // 30 old rows (10 of each status), 5 young ones, 3 with no date.
      for (let i = 0; i < 30; i += 1) {
        insert.run(
          ['delivered', 'refunded', 'open'][i % 3],
          `2024-06-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`,
        );
      }
      for (let i = 0; i < 5; i += 1) {
        insert.run('delivered', '2025-06-01 10:00:00');
      }
      for (let i = 0; i < 3; i += 1) {
        insert.run('delivered', null);
      }
    });

    afterAll(() => db.close());

    it('counts exactly the rows the policy selects', () => {
      expect(count({})).toEqual({ rows: 20, capped: false });
      expect(count({ criteria: [] })).toEqual({ rows: 30, capped: false });
    });

    it('stops at maxRows and says the count is a lower bound', () => {
      expect(count({ criteria: [], maxRows: 12 })).toEqual({ rows: 12, capped: true });
    });

    it('is refused by SQLite rather than run without the index', () => {
      expect(() => count({ index: 'no_such_index' })).toThrow(/no such index/);
    });

    it('plans a search of the date index, never a scan of the table', () => {
      const query = backlogCountQuery(new SqliteDialect(), { ...spec, schema: 'main' });
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>;
      const details = plan.map((step) => step.detail).join('\n');
      expect(details).toMatch(/SEARCH (main\.)?orders USING INDEX idx_created \(created_at<\?\)/);
      expect(details).not.toMatch(/SCAN (main\.)?orders/);
    });
  });
});

describe('dateIndexOf', () => {
  it('takes the narrowest index that starts with the date column', () => {
    const chosen = dateIndexOf(
      table([
        { name: 'PRIMARY', columns: ['id'], unique: true },
        { name: 'idx_created_status', columns: ['created_at', 'status'], unique: false },
        { name: 'idx_status_created', columns: ['status', 'created_at'], unique: false },
        { name: 'idx_created', columns: ['created_at'], unique: false },
      ]),
      'created_at',
    );
    expect(chosen?.name).toBe('idx_created');
  });

  it('finds none when the date column is only a later column of an index', () => {
    expect(
      dateIndexOf(
        table([{ name: 'idx_status_created', columns: ['status', 'created_at'], unique: false }]),
        'created_at',
      ),
    ).toBeNull();
  });
});
