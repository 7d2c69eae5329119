import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { CliProgram } from './cli-program';
import { CliServices } from './cli-services';
import { ArchiveRunCommand } from './commands/archive-run.command';
import { ConnectionAddCommand } from './commands/connection-add.command';
import { ConnectionListCommand } from './commands/connection-list.command';
import { ConnectionRemoveCommand } from './commands/connection-remove.command';
import { ConnectionTestCommand } from './commands/connection-test.command';
import { CreateAdminCommand } from './commands/create-admin.command';
import { GrantCommand } from './commands/grant.command';
import { KeysRotateCommand } from './commands/keys-rotate.command';
import { MigrateCommand } from './commands/migrate.command';
import { PolicyListCommand } from './commands/policy-list.command';
import { PurgeRunCommand } from './commands/purge-run.command';
import { RunCancelCommand } from './commands/run-cancel.command';
import { RunExecuteCommand } from './commands/run-execute.command';
import { DeleteUserCommand, DisableUserCommand, EnableUserCommand } from './commands/user-lifecycle.command';

const COMMANDS = [
  CreateAdminCommand,
  GrantCommand,
  DisableUserCommand,
  EnableUserCommand,
  DeleteUserCommand,
  PolicyListCommand,
  ArchiveRunCommand,
  PurgeRunCommand,
  RunCancelCommand,
  RunExecuteCommand,
  MigrateCommand,
  ConnectionAddCommand,
  ConnectionListCommand,
  ConnectionTestCommand,
  ConnectionRemoveCommand,
  KeysRotateCommand,
];

/**
 * The admin CLI (src/cli.ts): thin commands over the services the HTTP service uses. No
 * controllers, no cron jobs; the services start only when a command needs them (CliServices).
 */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config)],
      providers: [CliServices, CliProgram, ...COMMANDS],
    };
  }
}
