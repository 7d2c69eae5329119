import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ConnectionsModule } from '../connections/connections.module';
import { DatabaseModule } from '../database/database.module';
import { LoggingModule } from '../logging/logging.module';
import { PolicyModule } from '../policy/policy.module';
import { QueueModule } from '../queue/queue.module';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { WorkersModule } from '../workers/workers.module';

/**
 * A queue worker (`node dist/worker.js`, or `dist/main.js` with APP_ROLE=worker): no HTTP, no cron;
 * the databases, the job runner and the queue's consumer. Run as many as needed, on any machine that
 * reaches Redis and the databases.
 */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        CommonModule,
        AuditModule,
        ConnectionsModule,
        PolicyModule,
        JobRunnerModule,
        QueueModule,
        // Its heartbeat in the worker list (GET /system/workers on any API instance).
        WorkersModule,
      ],
    };
  }
}
