import { createPool } from 'mysql2';
import { parseDatabaseUrl } from '../config/database-url';
import { mysqlDataPoolOptions } from './mysql-pool-options';
import { MysqlSqlClient } from './mysql-sql-client';
import { DEFAULT_SESSION_LIMITS, SessionLimits, SqlClient } from './sql-client';

/**
 * A SqlClient outside Nest (benchmarks, tools) from a URL. MySQL/MariaDB get a mysql2 pool of their
 * own with the service's options (TypeORM is not even loaded: a worker process starts in
 * milliseconds); SQLite goes through TypeORM, which owns the better-sqlite3 setup. Call `close()`.
 */
export async function openSqlClient(
  name: string,
  url: string,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
): Promise<{ client: SqlClient; close: () => Promise<void> }> {
  const settings = parseDatabaseUrl(url);
  if (settings.engine === 'mysql') {
    const pool = createPool(mysqlDataPoolOptions(settings));
    const close = () => new Promise<void>((resolve) => pool.end(() => resolve()));
    // Fail here, with the connection error, rather than at the first query.
    await new Promise<void>((resolve, reject) =>
      pool.getConnection((error, connection) => {
        if (error) {
          reject(error);
        } else {
          connection.release();
          resolve();
        }
      }),
    ).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    return { client: new MysqlSqlClient(name, settings, () => pool, limits), close };
  }
  const [{ DataSource }, { dataDataSourceOptions }, { createSqlClient }] = await Promise.all([
    import('typeorm'),
    import('./data-source-options'),
    import('./built-in-clients'),
  ]);
  const dataSource = await new DataSource(dataDataSourceOptions(settings)).initialize();
  return { client: createSqlClient(name, settings, dataSource, limits), close: () => dataSource.destroy() };
}
