import { SqlSession } from '../sql-client';
import { IndexSchema, TableSchema } from './table-schema';

interface ColumnRow {
  name: string;
  column_type: string;
  data_type: string;
  is_nullable: string;
  charset: string | null;
  collation: string | null;
  extra: string | null;
  generation: string | null;
  column_key: string | null;
}

interface IndexRow {
  index_name: string;
  column_name: string;
  non_unique: number | string;
}

export async function listMysqlTables(session: SqlSession, schema: string): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [schema],
  );
  return rows.map((row) => row.name);
}

export async function inspectMysqlTable(
  session: SqlSession,
  schema: string,
  table: string,
): Promise<TableSchema | null> {
  // information_schema compares names case-insensitively; the exact spelling is checked below so
  // that `Orders` never silently means `orders`.
  const columns = await session.query<ColumnRow>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, DATA_TYPE AS data_type, IS_NULLABLE AS is_nullable,
            CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, EXTRA AS extra,
            GENERATION_EXPRESSION AS generation, COLUMN_KEY AS column_key
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND BINARY TABLE_NAME = BINARY ?
      ORDER BY ORDINAL_POSITION`,
    [schema, table, table],
  );
  if (columns.length === 0) {
    return null;
  }
  const indexRows = await session.query<IndexRow>(
    `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS column_name, NON_UNIQUE AS non_unique
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND BINARY TABLE_NAME = BINARY ?
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [schema, table, table],
  );
  const indexes = new Map<string, IndexSchema>();
  for (const row of indexRows) {
    const index = indexes.get(row.index_name) ?? {
      name: row.index_name,
      columns: [],
      unique: Number(row.non_unique) === 0,
    };
    index.columns.push(row.column_name);
    indexes.set(row.index_name, index);
  }
  return {
    name: table,
    columns: columns.map((row) => ({
      name: row.name,
      columnType: row.column_type,
      dataType: row.data_type.toLowerCase(),
      nullable: row.is_nullable === 'YES',
      charset: row.charset,
      collation: row.collation,
      generated: /GENERATED/i.test(row.extra ?? '') || Boolean(row.generation),
    })),
    primaryKey: indexes.get('PRIMARY')?.columns ?? [],
    indexes: [...indexes.values()],
  };
}
