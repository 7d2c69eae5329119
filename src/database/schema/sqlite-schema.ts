import { SqlSession } from '../sql-client';
import { IndexSchema, TableSchema } from './table-schema';

interface TableInfoRow {
  name: string;
  type: string;
  notnull: bigint | number;
  pk: bigint | number;
  hidden: bigint | number;
}

export async function listSqliteTables(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return rows.map((row) => row.name);
}

export async function inspectSqliteTable(session: SqlSession, table: string): Promise<TableSchema | null> {
  // The name is bound, not interpolated: pragma table-valued functions accept parameters.
  const exists = await session.query<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?",
    [table],
  );
  if (exists.length === 0) {
    return null;
  }
  const info = await session.query<TableInfoRow>(
    'SELECT name, type, "notnull", pk, hidden FROM pragma_table_xinfo(?)',
    [table],
  );
  const indexList = await session.query<{ name: string; unique: bigint | number; origin: string }>(
    'SELECT name, "unique", origin FROM pragma_index_list(?)',
    [table],
  );
  const indexes: IndexSchema[] = [];
  for (const index of indexList) {
    const columns = await session.query<{ name: string | null }>(
      'SELECT name FROM pragma_index_info(?) ORDER BY seqno',
      [index.name],
    );
    indexes.push({
      name: index.name,
      columns: columns.map((c) => c.name ?? ''),
      unique: Number(index.unique) === 1,
    });
  }
  const primaryKey = info
    .filter((column) => Number(column.pk) > 0)
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((column) => column.name);
  return {
    name: table,
    columns: info
      // hidden 1 = virtual-table hidden column (never in a real table); 2/3 = generated columns.
      .filter((column) => Number(column.hidden) !== 1)
      .map((column) => ({
        name: column.name,
        columnType: column.type,
        dataType: sqliteBaseType(column.type),
        nullable: Number(column.notnull) === 0 && Number(column.pk) === 0,
        charset: null,
        collation: null,
        generated: Number(column.hidden) >= 2,
      })),
    primaryKey,
    indexes,
  };
}

/** `DATETIME`, `varchar(16)`, `DECIMAL(12,2)` → `datetime`, `varchar`, `decimal`. */
function sqliteBaseType(declared: string): string {
  return declared.replace(/\(.*$/, '').trim().toLowerCase();
}
