import { Command } from 'nest-commander';
import { JobCommand } from './job.command';

@Command({
  name: 'purge:run',
  arguments: '<table>',
  description: "purge now: delete the table's archived rows older than its policy's deleteAfterDays",
  argsDescription: { table: 'a source table with a policy' },
})
export class PurgeRunCommand extends JobCommand {
  protected readonly job = 'purge';
}
