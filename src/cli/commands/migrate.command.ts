import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { describeConnection } from '../../config/database-url';
import { controlDataSourceOptions } from '../../database/data-source-options';
import { runMigrationsLocked } from '../../database/migrations-lock';
import { printLine } from '../output';

@Command({
  name: 'migrate',
  description: 'apply pending control-database migrations (the service also applies them when it starts)',
})
export class MigrateCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  /** Only the control database: source and archive need not be reachable (or exist) yet. */
  async run(): Promise<void> {
    const where = describeConnection(this.config.controlDb);
    const dataSource = await new DataSource(controlDataSourceOptions(this.config.controlDb)).initialize();
    try {
      const applied = await runMigrationsLocked(dataSource);
      if (applied.length === 0) {
        printLine(`${where}: already up to date (${migrationCount(dataSource.migrations.length)} applied)`);
        return;
      }
      applied.forEach((migration) => printLine(`applied ${migration.name}`));
      printLine(`${where}: ${migrationCount(applied.length)} applied, now up to date`);
    } finally {
      await dataSource.destroy();
    }
  }
}

function migrationCount(count: number): string {
  return `${count} ${count === 1 ? 'migration' : 'migrations'}`;
}
