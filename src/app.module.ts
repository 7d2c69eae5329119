import { DynamicModule, Module } from '@nestjs/common';
import { ArchiveModule } from './archive/archive.module';
import { ArchiveReadModule } from './archive-read/archive-read.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConnectionsApiModule } from './connections/connections-api.module';
import { ConnectionsModule } from './connections/connections.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PolicyModule } from './policy/policy.module';
import { PurgeModule } from './purge/purge.module';
import { QueueModule } from './queue/queue.module';
import { RunsModule } from './runs/runs.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { UsersModule } from './users/users.module';
import { WorkersModule } from './workers/workers.module';

const FEATURE_MODULES = [
  LoggingModule,
  DatabaseModule,
  CommonModule,
  AuditModule,
  ConnectionsModule,
  ConnectionsApiModule,
  AuthModule,
  UsersModule,
  PolicyModule,
  ArchiveModule,
  ArchiveReadModule,
  PurgeModule,
  RunsModule,
  SchedulerModule,
  QueueModule,
  HealthModule,
  MetricsModule,
  DashboardModule,
  WorkersModule,
];

/** The HTTP service: API, probes, metrics and scheduled jobs in one process. */
@Module({})
export class AppModule {
  /** `config` comes from the environment in main.ts and from buildAppConfig() in tests. */
  static register(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ConfigModule.forRoot(config), ...FEATURE_MODULES] };
  }
}
