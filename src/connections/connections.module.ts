import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { Policy } from '../policy/entities/policy.entity';
import { ConnectionCatalog } from './connection-catalog';
import { ConnectionSecrets } from './connection-secrets';
import { ConnectionsService } from './connections.service';
import { DataSourceFactory } from './data-source-factory';
import { EncryptionKeyCheck } from './encryption-key-check';
import { StoredConnection } from './entities/stored-connection.entity';

/**
 * Named connections: where they are stored (encrypted), how they are resolved by name, and the
 * factory that opens their pools on demand. Global: policies, runs, reads and health all need the
 * factory. The HTTP routes are in ConnectionsApiModule, so that the CLI can import this one alone.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([StoredConnection, Policy], CONTROL_DB)],
  providers: [ConnectionSecrets, ConnectionCatalog, DataSourceFactory, ConnectionsService, EncryptionKeyCheck],
  exports: [ConnectionSecrets, ConnectionCatalog, DataSourceFactory, ConnectionsService],
})
export class ConnectionsModule {}
