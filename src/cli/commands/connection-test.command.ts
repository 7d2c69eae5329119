import { Command, CommandRunner } from 'nest-commander';
import { ConnectionsService } from '../../connections/connections.service';
import { CliServices } from '../cli-services';
import { EXIT } from '../exit-codes';
import { printLine } from '../output';

@Command({
  name: 'connection:test',
  arguments: '<name>',
  description: 'check a connection now: DNS, connect, login, database, privileges for its role (exit 1 if one fails)',
  argsDescription: { name: 'a connection name (source and archive are the built-in ones)' },
})
export class ConnectionTestCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    const result = await (await this.services.get(ConnectionsService)).test(name, 'cli');
    for (const check of result.checks) {
      printLine(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.check.padEnd(10)}  ${check.message}`);
    }
    printLine(
      result.ok
        ? `connection "${name}" works as a${result.role === 'archive' ? 'n' : ''} ${result.role} connection`
        : `connection "${name}" does not work: ${result.error}`,
    );
    process.exitCode = result.ok ? EXIT.ok : EXIT.failed;
  }
}
