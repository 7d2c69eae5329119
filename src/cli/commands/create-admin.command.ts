import { Command, CommandRunner, Help, Option } from 'nest-commander';
import { credentialProblems } from '../../users/credential-rules';
import { UsersService } from '../../users/users.service';
import { CliServices } from '../cli-services';
import { CliUsageError } from '../exit-codes';
import { printLine } from '../output';
import { readSecret } from '../secret-input';

interface CreateAdminOptions {
  password?: string;
}

@Command({
  name: 'user:create-admin',
  arguments: '<username>',
  description: 'create an administrator (password from --password or stdin)',
  argsDescription: { username: '3 to 64 characters: letters, digits, "_", "." or "-"' },
})
export class CreateAdminCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([username]: string[], options: CreateAdminOptions): Promise<void> {
    const password = options.password ?? (await readSecret(`Password for the new admin "${username}": `));
    // Checked before any database is touched, with the same rules as signup.
    const problems = credentialProblems(username, password);
    if (problems.length > 0) {
      throw new CliUsageError(problems.join('; '));
    }
    const users = await this.services.get(UsersService);
    const admin = await users.createAdmin(username, password, 'cli');
    printLine(`created admin "${admin.username}" (id ${admin.id}); log in with POST /api/v1/auth/login`);
  }

  @Option({
    flags: '--password <password>',
    description: 'the password (8+ characters); prefer stdin: a command line shows in process lists and shell history',
  })
  parsePassword(value: string): string {
    return value;
  }

  @Help('after')
  examples(): string {
    return `
Examples:
  npm run cli -- user:create-admin ops                      # prompts, without echo
  printf '%s\\n' "$OPS_PASSWORD" | npm run cli -- user:create-admin ops`;
  }
}
