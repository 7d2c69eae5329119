import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'mysql2';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionSettings } from '../config/database-url';
import { ARCHIVE_DB, DataConnectionName, SOURCE_DB } from './database.constants';
import { MysqlSqlClient } from './mysql-sql-client';
import { SessionLimits, SqlClient } from './sql-client';
import { SqliteSqlClient } from './sqlite-sql-client';

/**
 * The built-in connections `source` and `archive`: the databases SOURCE_DB_URL and ARCHIVE_DB_URL
 * configure, opened at boot (with DB_CONNECT_ATTEMPTS retries) and kept open for the life of the
 * process, since readiness depends on them. Jobs and reads reach them, like every other
 * connection, through the DataSourceFactory (src/connections).
 */
@Injectable()
export class BuiltInClients {
  private readonly clients: ReadonlyMap<DataConnectionName, SqlClient>;

  constructor(
    config: AppConfig,
    @InjectDataSource(SOURCE_DB) source: DataSource,
    @InjectDataSource(ARCHIVE_DB) archive: DataSource,
  ) {
    this.clients = new Map([
      [SOURCE_DB, createSqlClient(SOURCE_DB, config.sourceDb, source, config.sessionLimits)],
      [ARCHIVE_DB, createSqlClient(ARCHIVE_DB, config.archiveDb, archive, config.sessionLimits)],
    ]);
  }

  get(name: DataConnectionName): SqlClient {
    const client = this.clients.get(name);
    if (!client) {
      throw new Error(`unknown built-in connection "${name}"`);
    }
    return client;
  }
}

export function createSqlClient(
  name: string,
  settings: ConnectionSettings,
  dataSource: DataSource,
  limits: SessionLimits,
): SqlClient {
  return settings.engine === 'mysql'
    ? new MysqlSqlClient(name, settings, () => (dataSource.driver as unknown as { pool: Pool }).pool, limits)
    : new SqliteSqlClient(name, settings, dataSource);
}
