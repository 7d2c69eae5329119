import { Command, CommandRunner, Help, Option } from 'nest-commander';
import { AppConfig } from '../../config/app-config';
import { ConnectionInput, optionValueOf } from '../../connections/connection-fields';
import { ConnectionsService } from '../../connections/connections.service';
import { CliServices } from '../cli-services';
import { CliUsageError } from '../exit-codes';
import { printLine } from '../output';
import { readSecret } from '../secret-input';
import { describeWhere } from './connection-list.command';

/** The connection's parts as options; its password never is one. */
interface ConnectionAddOptions extends Omit<ConnectionInput, 'password' | 'options'> {
  option?: Record<string, unknown>;
  /** false with --no-password. */
  password?: boolean;
}

/** `scheme://user:password@…`: a URL that carries a password. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^@]*@/i;

@Command({
  name: 'connection:add',
  arguments: '<name>',
  description:
    'add a database connection (password from CONNECTION_PASSWORD or stdin, never the command line); stored encrypted',
  argsDescription: { name: '1 to 32 characters: a letter, then letters, digits, "_" or "-"' },
})
export class ConnectionAddCommand extends CommandRunner {
  constructor(
    private readonly services: CliServices,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run([name]: string[], options: ConnectionAddOptions): Promise<void> {
    if (options.url !== undefined && URL_WITH_PASSWORD.test(options.url)) {
      // Not even a hint of it in the message: the password is already in the shell's history.
      throw new CliUsageError(
        'the URL holds a password: leave it out of the command line (process lists and shell history show it) ' +
          'and give it through CONNECTION_PASSWORD or stdin',
      );
    }
    const sqlite = options.engine === 'sqlite' || options.url?.startsWith('sqlite:') === true;
    let password: string | null | undefined;
    if (options.password === false || sqlite) {
      password = sqlite ? undefined : null;
    } else {
      password = this.config.connectionPassword ?? (await readSecret(`Password of connection "${name}": `));
    }
    const connections = await this.services.get(ConnectionsService);
    const { role, url, engine, host, port, database, user, option } = options;
    const added = await connections.create(
      name,
      { role, url, engine, host, port, database, user, password, options: option },
      'cli',
    );
    printLine(
      `added ${added.role} connection "${added.name}" (${describeWhere(added)}${added.hasPassword ? ', password stored encrypted' : ''}); ` +
        `check it with: npm run cli -- connection:test ${added.name}`,
    );
  }

  @Option({
    flags: '--role <role>',
    description: 'source (tables are archived from it) or archive (rows go to it)',
    required: true,
  })
  parseRole(value: string): string {
    return value;
  }

  @Option({
    flags: '--url <url>',
    description: 'mysql://user@host:3306/database (no password in it), mariadb://…, or sqlite:path',
  })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--engine <engine>', description: 'mysql, mariadb or sqlite (instead of --url)' })
  parseEngine(value: string): string {
    return value;
  }

  @Option({ flags: '--host <host>', description: 'server host name or address' })
  parseHost(value: string): string {
    return value;
  }

  @Option({ flags: '--port <port>', description: 'server port (default 3306)' })
  parsePort(value: string): number {
    if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
      throw new CliUsageError(`--port must be an integer from 1 to 65535 (got "${value}")`);
    }
    return Number(value);
  }

  @Option({ flags: '--database <database>', description: 'database name, or the SQLite file path' })
  parseDatabase(value: string): string {
    return value;
  }

  @Option({ flags: '--user <user>', description: 'login name' })
  parseUser(value: string): string {
    return value;
  }

  @Option({
    flags: '--option <name=value>',
    description: 'a driver option, repeatable: connectionLimit=N, connectTimeout=MS, ssl=true',
  })
  parseOption(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
    const equals = value.indexOf('=');
    if (equals < 1) {
      throw new CliUsageError(`--option takes name=value (got "${value}")`);
    }
    return { ...previous, [value.slice(0, equals)]: optionValueOf(value.slice(equals + 1)) };
  }

  @Option({ flags: '--no-password', description: 'the login has no password (nothing is read from stdin)' })
  parseNoPassword(): boolean {
    return false;
  }

  @Help('after')
  examples(): string {
    return `
The password comes from CONNECTION_PASSWORD, or stdin (prompted without echo on a terminal,
otherwise the first line); ENCRYPTION_KEY must be set to store it.

Examples:
  printf '%s\\n' "$SHOP_EU_PW" | npm run cli -- connection:add shop_eu --role source \\
    --url mysql://das@shop-eu.internal:3306/shop
  CONNECTION_PASSWORD="$VAULT_PW" npm run cli -- connection:add vault --role archive \\
    --engine mariadb --host vault.internal --database archive --user das --option connectionLimit=3`;
  }
}
