import { Module } from '@nestjs/common';
import { ConnectionsController } from './connections.controller';

/** The connections API (admin): /api/v1/connections. */
@Module({ controllers: [ConnectionsController] })
export class ConnectionsApiModule {}
