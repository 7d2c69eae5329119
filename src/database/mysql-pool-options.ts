import type { PoolOptions } from 'mysql2';
import type { MysqlConnectionSettings } from '../config/database-url';

/**
 * mysql2 pool options of a source or archive connection — used as TypeORM's `extra` by the service,
 * and directly by openSqlClient — so that no value changes in transit: BIGINT and DECIMAL as
 * strings, dates as the server's own text, JSON as text, binary as Buffers.
 */
export function mysqlDataPoolOptions(settings: MysqlConnectionSettings): PoolOptions {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    charset: 'utf8mb4_unicode_ci',
    connectTimeout: 10_000,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    decimalNumbers: false,
    // Archival sends multi-row statements of a few MB at most; keep a small pool per process.
    connectionLimit: 8,
    ...settings.options,
  };
}
