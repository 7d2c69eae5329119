import { useEngineDatabases } from './support/engine-databases';
import { ArchivalEngine } from '../src/archive/archival-engine';
import { EngineClients, daysAgo, policyFor, tableContent, recreateSourceTable } from './support/engine-fixtures';
import { TestDatabases, describeEachEngine } from './support/test-databases';

/** Table shapes that break naive SQL builders: composite and non-integer keys, names that need quoting. */
const SHAPES = [
  {
    title: 'a composite primary key',
    table: 'order_lines',
    mysql:
      'CREATE TABLE order_lines (order_id INT NOT NULL, line_no SMALLINT NOT NULL, sku VARCHAR(20), created_at DATETIME NOT NULL, PRIMARY KEY (order_id, line_no))',
    sqlite:
      'CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, sku TEXT, created_at DATETIME NOT NULL, PRIMARY KEY (order_id, line_no))',
    columns: ['order_id', 'line_no', 'sku', 'created_at'],
    row: (i: number) => [Math.floor(i / 7) + 1, i % 7, `sku-${i}`],
  },
  {
    title: 'a CHAR(36) UUID primary key',
    table: 'events',
    mysql: 'CREATE TABLE events (id CHAR(36) NOT NULL PRIMARY KEY, kind VARCHAR(10), created_at DATETIME NOT NULL)',
    sqlite:
      'CREATE TABLE events (id CHAR(36) NOT NULL PRIMARY KEY, kind TEXT, created_at DATETIME NOT NULL) WITHOUT ROWID',
    columns: ['id', 'kind', 'created_at'],
    row: (i: number) => [uuidLike(i), i % 2 ? 'click' : 'view'],
  },
  {
    title: 'a reserved-word table name and a column named select',
    table: 'order',
    mysql: 'CREATE TABLE `order` (id INT PRIMARY KEY, `select` VARCHAR(10), created_at DATETIME NOT NULL)',
    sqlite: 'CREATE TABLE "order" (id INTEGER PRIMARY KEY, "select" TEXT, created_at DATETIME NOT NULL)',
    columns: ['id', 'select', 'created_at'],
    row: (i: number) => [i + 1, `s${i}`],
  },
  {
    title: 'a table name that needs quoting',
    table: 'order-items',
    mysql: 'CREATE TABLE `order-items` (`item id` INT PRIMARY KEY, `desc` VARCHAR(10), created_at DATETIME NOT NULL)',
    sqlite: 'CREATE TABLE "order-items" ("item id" INTEGER PRIMARY KEY, "desc" TEXT, created_at DATETIME NOT NULL)',
    columns: ['item id', 'desc', 'created_at'],
    row: (i: number) => [i + 1, `d${i}`],
  },
];

function uuidLike(i: number): string {
  const hex = (i * 2654435761).toString(16).padStart(12, '0').slice(-12);
  return `0000${i.toString(16).padStart(4, '0')}-0000-4000-8000-${hex}`;
}

describeEachEngine('archival of unusual tables', (engine) => {
  let databases: TestDatabases;
  let clients: EngineClients;
  const q = (name: string) => (engine === 'mysql' ? `\`${name}\`` : `"${name}"`);

  useEngineDatabases(engine, (opened) => ({ databases, clients } = opened));

  it.each(SHAPES)('archives $title', async (shape) => {
    await databases.source(engine === 'mysql' ? shape.mysql : shape.sqlite);
    const values: unknown[] = [];
    for (let i = 0; i < 250; i++) {
      values.push(...shape.row(i), daysAgo(i % 5 === 0 ? 1 : 100));
    }
    const placeholders = `(${shape.columns.map(() => '?').join(', ')})`;
    await databases.source(
      `INSERT INTO ${q(shape.table)} (${shape.columns.map(q).join(', ')}) VALUES ${new Array(250).fill(placeholders).join(', ')}`,
      values,
    );
    const before = await tableContent(databases.source, shape.table, shape.columns, engine);

    const result = await new ArchivalEngine().run({
      policy: policyFor(shape.table),
      source: clients.source,
      archive: clients.archive,
      runId: 1,
      batchSize: 30,
    });

    expect(result.rows).toBe(200);
    const archived = await tableContent(databases.archive, shape.table, shape.columns, engine);
    const remaining = await tableContent(databases.source, shape.table, shape.columns, engine);
    expect(archived).toHaveLength(200);
    expect([...archived, ...remaining].sort()).toEqual(before);
  });

  describe('when the source table changes between runs', () => {
    beforeEach(async () => {
      await recreateSourceTable(databases, 'evolving', {
        mysql:
          'CREATE TABLE evolving (id INT PRIMARY KEY, label VARCHAR(10), qty SMALLINT, created_at DATETIME NOT NULL)',
        sqlite:
          'CREATE TABLE evolving (id INTEGER PRIMARY KEY, label VARCHAR(10), qty SMALLINT, created_at DATETIME NOT NULL)',
      });
      await databases.source('INSERT INTO evolving (id, label, qty, created_at) VALUES (1, ?, 1, ?), (2, ?, 2, ?)', [
        'one',
        daysAgo(100),
        'two',
        daysAgo(1),
      ]);
      await archive(1);
    });

    const archive = (runId: number) =>
      new ArchivalEngine().run({
        policy: policyFor('evolving'),
        source: clients.source,
        archive: clients.archive,
        runId,
        batchSize: 10,
      });

    it('adds a column that appeared in the source, and keeps the rows archived before', async () => {
      await databases.source('ALTER TABLE evolving ADD COLUMN region VARCHAR(8)');
      await databases.source("UPDATE evolving SET region = 'eu', created_at = ? WHERE id = 2", [daysAgo(100)]);
      await expect(archive(2)).resolves.toMatchObject({ rows: 1 });
      const rows = await tableContent(
        databases.archive,
        'evolving',
        ['id', 'label', 'region', 'archive_run_id'],
        engine,
      );
      const asText = rows.map((row) =>
        (JSON.parse(row) as Array<string | number | null>).map((v) => (v === null ? null : String(v))),
      );
      expect(asText).toEqual([
        ['1', 'one', null, '1'],
        ['2', 'two', 'eu', '2'],
      ]);
    });

    it('refuses a type change it cannot carry and moves nothing', async () => {
      if (engine === 'mysql') {
        await databases.source("UPDATE evolving SET label = '2'");
        await databases.source('ALTER TABLE evolving MODIFY label INT');
      } else {
        await databases.source('ALTER TABLE evolving RENAME COLUMN label TO old_label');
        // SQLite cannot change a column's type in place: rebuild the table with label as INTEGER.
        await databases.source('ALTER TABLE evolving ADD COLUMN label INTEGER');
        await databases.source('ALTER TABLE evolving DROP COLUMN old_label');
      }
      await databases.source('UPDATE evolving SET created_at = ? WHERE id = 2', [daysAgo(100)]);
      await expect(archive(2)).rejects.toThrow(
        /column "label" is .*int.* in the source but varchar\(10\).* in the archive: DAS cannot convert archived values/i,
      );
      const [{ n }] = await databases.source<{ n: unknown }>('SELECT COUNT(*) AS n FROM evolving');
      expect(Number(n)).toBe(1);
    });

    it('widens the archive column when the source column grew (MariaDB)', async () => {
      if (engine !== 'mysql') {
        return;
      }
      await databases.source('ALTER TABLE evolving MODIFY label VARCHAR(200), MODIFY qty BIGINT');
      await databases.source('UPDATE evolving SET label = ?, qty = ?, created_at = ? WHERE id = 2', [
        'x'.repeat(150),
        '9007199254740993',
        daysAgo(100),
      ]);
      await expect(archive(2)).resolves.toMatchObject({ rows: 1 });
      const [row] = await databases.archive<{ label: string; qty: string }>(
        'SELECT label, qty FROM evolving WHERE id = 2',
      );
      expect(row).toEqual({ label: 'x'.repeat(150), qty: '9007199254740993' });
    });
  });
});
