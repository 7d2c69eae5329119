import { Command, CommandRunner } from 'nest-commander';
import { UsersService } from '../../users/users.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';

@Command({
  name: 'user:grant',
  arguments: '<username> <tables...>',
  description: "let a user read the archives of these source tables (added to the user's permissions)",
  argsDescription: { username: 'an existing user', tables: 'one or more source table names' },
})
export class GrantCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username, ...tables]: string[]): Promise<void> {
    const users = await this.services.get(UsersService);
    const user = await users.grant(username, tables, 'cli');
    printLine(
      `"${user.username}" may now read: ${user.permissions.join(', ')} ` +
        '(tokens carry permissions from the next login on)',
    );
  }
}
