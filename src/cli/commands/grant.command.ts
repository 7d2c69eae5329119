import { Command, CommandRunner, Option } from 'nest-commander';
import { UsersService } from '../../users/users.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';

interface GrantOptions {
  allowMissing?: boolean;
}

@Command({
  name: 'user:grant',
  arguments: '<username> <tables...>',
  description: "let a user read the archives of these source tables (added to the user's permissions)",
  argsDescription: {
    username: 'an existing user',
    tables: 'one or more source table names, each with a policy or existing in the source database',
  },
})
export class GrantCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username, ...tables]: string[], options: GrantOptions): Promise<void> {
    const users = await this.services.get(UsersService);
    const user = await users.grant(username, tables, 'cli', { allowMissing: options.allowMissing });
    printLine(
      `"${user.username}" may now read: ${user.permissions.join(', ')} ` +
        '(their current tokens end: they log in again to use it)',
    );
  }

  @Option({
    flags: '--allow-missing',
    description: 'grant tables that have no policy and do not exist in the source yet (they get one later)',
  })
  parseAllowMissing(): boolean {
    return true;
  }
}
