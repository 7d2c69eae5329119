import { DataSourceOptions } from 'typeorm';
import { ConnectionSettings, MysqlConnectionSettings } from '../config/database-url';
import { CONTROL_ENTITIES, CONTROL_MIGRATIONS } from './control-entities';
import { mysqlDataPoolOptions } from './mysql-pool-options';
import { registerSqliteFunctions } from './sqlite-functions';

/**
 * Options of the control data source: entities and migrations, never `synchronize`.
 * Shared by the app, the `migrate` CLI command and TypeORM's own CLI (control-data-source.ts).
 */
export function controlDataSourceOptions(settings: ConnectionSettings): DataSourceOptions {
  const common = {
    entities: CONTROL_ENTITIES,
    migrations: CONTROL_MIGRATIONS,
    migrationsTableName: 'das_migrations',
    synchronize: false,
    logging: false,
  };
  if (settings.engine === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: settings.path,
      enableWAL: settings.path !== ':memory:',
      prepareDatabase: (db: SqliteHandle) => {
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    ...mysqlCredentials(settings),
    // Control tables hold Dates written by TypeORM; keep them UTC on the way in and out.
    timezone: 'Z',
    extra: { connectionLimit: 5, ...settings.options },
  };
}

/**
 * Options of a data source that holds user tables (source or archive). No entities: DAS reads and
 * writes these with SQL built from the live schema. The driver is set up so that no value changes
 * in transit: BIGINT and DECIMAL as strings, dates as the server's own text, JSON as text, binary
 * as Buffers.
 */
export function dataDataSourceOptions(settings: ConnectionSettings): DataSourceOptions {
  if (settings.engine === 'sqlite') {
    return {
      type: 'better-sqlite3',
      database: settings.path,
      enableWAL: settings.path !== ':memory:',
      synchronize: false,
      logging: false,
      prepareDatabase: (db: SqliteHandle) => {
        db.pragma('busy_timeout = 5000');
        registerSqliteFunctions(db);
      },
    };
  }
  return {
    ...mysqlCredentials(settings),
    synchronize: false,
    logging: false,
    extra: mysqlDataPoolOptions(settings),
  };
}

interface SqliteHandle {
  pragma(source: string): unknown;
  function(name: string, options: object, fn: (...args: unknown[]) => unknown): unknown;
}

function mysqlCredentials(settings: MysqlConnectionSettings) {
  return {
    type: 'mysql' as const,
    host: settings.host,
    port: settings.port,
    username: settings.user,
    password: settings.password,
    database: settings.database,
    charset: 'utf8mb4_unicode_ci',
    connectTimeout: 10_000,
  };
}
