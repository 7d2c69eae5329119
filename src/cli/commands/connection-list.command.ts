import { Command, CommandRunner } from 'nest-commander';
import { ConnectionsService } from '../../connections/connections.service';
import { ConnectionDto } from '../../connections/dto/connection.dto';
import { CliServices } from '../cli-services';
import { printLine } from '../output';
import { textTable } from '../text-table';

@Command({ name: 'connection:list', description: 'list the database connections (never their passwords)' })
export class ConnectionListCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run(): Promise<void> {
    const connections = await (await this.services.get(ConnectionsService)).list();
    const header = ['NAME', 'ROLE', 'ENGINE', 'WHERE', 'USER', 'PASSWORD', 'BUILT-IN', 'USED BY'];
    const rows = connections.map((connection) => [
      connection.name,
      connection.role,
      connection.engine,
      describeWhere(connection),
      connection.user ?? '-',
      connection.hasPassword ? 'stored' : 'none',
      connection.builtIn ? `yes (${connection.configuredBy})` : 'no',
      connection.usedBy.length === 0 ? '-' : connection.usedBy.join(', '),
    ]);
    printLine(textTable(header, rows));
  }
}

/** `host:port/database`, or the SQLite file path. */
export function describeWhere(connection: Pick<ConnectionDto, 'engine' | 'host' | 'port' | 'database'>): string {
  return connection.engine === 'sqlite'
    ? connection.database
    : `${connection.host}:${connection.port}/${connection.database}`;
}
