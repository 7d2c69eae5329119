import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../config/database-url';
import { dataDataSourceOptions } from './data-source-options';
import { createSqlClient } from './data-source-registry';
import { SqlClient } from './sql-client';

/**
 * A SqlClient outside Nest (benchmarks, tools): opens its own data source from a URL.
 * Call `close()` when done.
 */
export async function openSqlClient(
  name: string,
  url: string,
): Promise<{ client: SqlClient; close: () => Promise<void> }> {
  const settings = parseDatabaseUrl(url);
  const dataSource = await new DataSource(dataDataSourceOptions(settings)).initialize();
  return { client: createSqlClient(name, settings, dataSource), close: () => dataSource.destroy() };
}
