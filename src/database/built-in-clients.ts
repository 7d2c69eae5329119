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
 * Where engines get their databases from. Today it knows the built-in `source` and `archive`;
 * policies naming other connections will be resolved here, so nothing injects those DataSources
 * directly.
 */
@Injectable()
export class DataSourceRegistry {
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
      throw new Error(`unknown data connection "${name}"`);
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
