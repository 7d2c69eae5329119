import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ConnectionsModule } from '../connections/connections.module';
import { DatabaseModule } from '../database/database.module';
import { PolicyModule } from '../policy/policy.module';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { UsersModule } from '../users/users.module';

/**
 * The services the commands drive, the same ones the HTTP service uses: users, policies and the
 * job runner (with its leases), connections, over the three databases (the control one migrated at start, like
 * the service). No HTTP, no auth guards, no cron registration, no request logging.
 */
@Module({})
export class CliServicesModule {
  static register(config: AppConfig): DynamicModule {
    // A command executes its job itself, in this process, whatever JOB_EXECUTION the service uses:
    // it is already a process of its own (and `run:execute` is how other executors run one).
    const inline = new AppConfig({ ...config, jobs: { ...config.jobs, execution: 'inline' } });
    return {
      module: CliServicesModule,
      imports: [
        ConfigModule.forRoot(inline),
        DatabaseModule,
        AuditModule,
        ConnectionsModule,
        UsersModule,
        PolicyModule,
        JobRunnerModule,
      ],
    };
  }
}
