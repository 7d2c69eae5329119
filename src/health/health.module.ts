import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectionsHealthIndicator } from './connections-health.indicator';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { HealthController } from './health.controller';

@Module({
  // Terminus would log the whole result JSON on every failed probe; the indicator logs one line
  // per database that is down instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, ConnectionsHealthIndicator],
})
export class HealthModule {}
