import { Command, CommandRunner } from 'nest-commander';
import { UsersService } from '../../users/users.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';

@Command({
  name: 'user:disable',
  arguments: '<username>',
  description: 'disable a user: no more logins, and their tokens are refused (within TOKEN_CHECK_CACHE_MS)',
  argsDescription: { username: 'an existing user (not the last enabled admin)' },
})
export class DisableUserCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username]: string[]): Promise<void> {
    const user = await (await this.services.get(UsersService)).setDisabled(username, true, 'cli');
    printLine(`disabled "${user.username}": no more logins, and their tokens are refused`);
  }
}

@Command({
  name: 'user:enable',
  arguments: '<username>',
  description: 'enable a disabled user again (they log in again; old tokens stay refused)',
  argsDescription: { username: 'an existing user' },
})
export class EnableUserCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username]: string[]): Promise<void> {
    const user = await (await this.services.get(UsersService)).setDisabled(username, false, 'cli');
    printLine(`enabled "${user.username}": they can log in again`);
  }
}

@Command({
  name: 'user:delete',
  arguments: '<username>',
  description: 'delete a user; their tokens are refused (within TOKEN_CHECK_CACHE_MS), audit entries stay',
  argsDescription: { username: 'an existing user (not the last enabled admin)' },
})
export class DeleteUserCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username]: string[]): Promise<void> {
    await (await this.services.get(UsersService)).remove(username, 'cli');
    printLine(`deleted "${username}"`);
  }
}
