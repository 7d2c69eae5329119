import { SqlSession } from '../sql-client';
import { TableSchema } from './table-schema';
import { inspectMysqlTable, listMysqlTables } from './mysql-schema';
import { inspectSqliteTable, listSqliteTables } from './sqlite-schema';

/**
 * Reads table definitions from the live database. Every identifier DAS ever puts into SQL comes
 * from here, so a name is only used after the database itself confirmed it exists, spelled exactly.
 */
export async function inspectTable(session: SqlSession, schema: string, table: string): Promise<TableSchema | null> {
  return session.dialect.engine === 'mysql'
    ? inspectMysqlTable(session, schema, table)
    : inspectSqliteTable(session, table);
}

export async function listTables(session: SqlSession, schema: string): Promise<string[]> {
  return session.dialect.engine === 'mysql' ? listMysqlTables(session, schema) : listSqliteTables(session);
}
