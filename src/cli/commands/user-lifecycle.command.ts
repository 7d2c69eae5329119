import { Injectable } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { UsersService } from '../../users/users.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';

/**
 * Base of the commands that change one user's lifecycle: the change, then one line saying what it
 * did. (@Injectable() so that TypeScript records the constructor's parameter types for the subclasses.)
 */
@Injectable()
abstract class UserLifecycleCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username]: string[]): Promise<void> {
    printLine(await this.change(await this.services.get(UsersService), username));
  }

  /** Makes the change as the CLI and returns what to print. */
  protected abstract change(users: UsersService, username: string): Promise<string>;
}

@Command({
  name: 'user:disable',
  arguments: '<username>',
  description: 'disable a user: no more logins, and their tokens are refused (within TOKEN_CHECK_CACHE_MS)',
  argsDescription: { username: 'an existing user (not the last enabled admin)' },
})
export class DisableUserCommand extends UserLifecycleCommand {
  protected async change(users: UsersService, username: string): Promise<string> {
    const user = await users.setDisabled(username, true, 'cli');
    return `disabled "${user.username}": no more logins, and their tokens are refused`;
  }
}

@Command({
  name: 'user:enable',
  arguments: '<username>',
  description: 'enable a disabled user again (they log in again; old tokens stay refused)',
  argsDescription: { username: 'an existing user' },
})
export class EnableUserCommand extends UserLifecycleCommand {
  protected async change(users: UsersService, username: string): Promise<string> {
    const user = await users.setDisabled(username, false, 'cli');
    return `enabled "${user.username}": they can log in again`;
  }
}

@Command({
  name: 'user:delete',
  arguments: '<username>',
  description: 'delete a user; their tokens are refused (within TOKEN_CHECK_CACHE_MS), audit entries stay',
  argsDescription: { username: 'an existing user (not the last enabled admin)' },
})
export class DeleteUserCommand extends UserLifecycleCommand {
  protected async change(users: UsersService, username: string): Promise<string> {
    await users.remove(username, 'cli');
    return `deleted "${username}"`;
  }
}
