import { Command, CommandRunner } from 'nest-commander';
import { ConnectionsService } from '../../connections/connections.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';

@Command({
  name: 'connection:remove',
  arguments: '<name>',
  description: 'remove a connection that no policy uses (its archived rows stay where they are)',
  argsDescription: { name: 'a stored connection (the built-in source and archive are configured by the environment)' },
})
export class ConnectionRemoveCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    await (await this.services.get(ConnectionsService)).remove(name, 'cli');
    printLine(`removed connection "${name}"`);
  }
}
