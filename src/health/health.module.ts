import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueCoreModule } from '../queue/queue-core.module';
import { ConnectionsHealthIndicator } from './connections-health.indicator';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { HealthController } from './health.controller';
import { QueueHealthIndicator } from './queue-health.indicator';

@Module({
  // Terminus would log the whole result JSON on every failed probe; the indicator logs one line
  // per database that is down instead.
  imports: [TerminusModule.forRoot({ logger: false }), QueueCoreModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, ConnectionsHealthIndicator, QueueHealthIndicator],
})
export class HealthModule {}
