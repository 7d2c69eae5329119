import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { runMigrationsLocked } from './migrations-lock';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB, ARCHIVE_DB, SOURCE_DB } from './database.constants';
import { controlDataSourceOptions, dataDataSourceOptions } from './data-source-options';
import { BuiltInClients } from './built-in-clients';
import { ReplicaProbes } from './replica-probes';
import { SampleDataSeeder } from './sample-data.seeder';

/**
 * The three data sources. Each factory repeats its `name`: @nestjs/typeorm looks the data source up
 * by the name in the resolved options when it closes it at shutdown.
 * The control database is migrated at boot; a new embedded source database
 * gets the sample `orders` table.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      name: CONTROL_DB,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...controlDataSourceOptions(config.controlDb),
        name: CONTROL_DB,
        retryAttempts: config.databaseConnectAttempts,
      }),
      // Migrated here rather than with `migrationsRun`: under a lock, so that instances started
      // together on an empty control database take turns.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options as DataSourceOptions).initialize();
        await runMigrationsLocked(dataSource);
        return dataSource;
      },
    }),
    TypeOrmModule.forRootAsync({
      name: SOURCE_DB,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataDataSourceOptions(config.sourceDb),
        name: SOURCE_DB,
        retryAttempts: config.databaseConnectAttempts,
      }),
    }),
    TypeOrmModule.forRootAsync({
      name: ARCHIVE_DB,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataDataSourceOptions(config.archiveDb),
        name: ARCHIVE_DB,
        retryAttempts: config.databaseConnectAttempts,
      }),
    }),
  ],
  providers: [BuiltInClients, ReplicaProbes, SampleDataSeeder],
  exports: [BuiltInClients, ReplicaProbes],
})
export class DatabaseModule {}
