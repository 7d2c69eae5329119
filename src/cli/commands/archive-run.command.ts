import { Command } from 'nest-commander';
import { JobCommand } from './job.command';

@Command({
  name: 'archive:run',
  arguments: '<table>',
  description: "archive now: move the table's rows older than its policy's archiveAfterDays to the archive",
  argsDescription: { table: 'a source table with a policy' },
})
export class ArchiveRunCommand extends JobCommand {
  protected readonly job = 'archive';
}
