import { Injectable } from '@nestjs/common';
import { ConnectionCatalog } from '../connections/connection-catalog';
import { ConnectionUnavailableError } from '../connections/connection-errors';
import { BUILT_IN_SOURCE } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { listTables } from '../database/schema/schema-inspector';
import { PolicyService } from '../policy/policy.service';

/** SQLite keeps its own bookkeeping in `sqlite_*` tables and refuses user tables of such names. */
const SQLITE_RESERVED = /^sqlite_/i;

/** A permission as granted: a bare table (`orders`) or a table on one connection (`shop_eu/orders`). */
interface Grant {
  readonly text: string;
  readonly table: string;
  /** The source connection of a qualified grant; undefined for a bare one. */
  readonly connection?: string;
}

/**
 * Which table names a permission may name, so that a typo is never granted silently:
 * - a bare name (`orders`, every connection): a table with a policy on any connection, or one that
 *   exists in a source connection (the built-in `source` first, then the stored ones; a stored
 *   connection that cannot be reached now is passed over);
 * - a qualified name (`shop_eu/orders`): a source connection that exists, and on it a table with a
 *   policy or a table that exists there.
 * A grant for a table that gets its policy later is made explicitly (`allowMissing`). SQLite's own
 * `sqlite_*` tables are never grantable from a SQLite source.
 */
@Injectable()
export class GrantableTables {
  constructor(
    private readonly policies: PolicyService,
    private readonly connections: ConnectionCatalog,
    private readonly databases: DataSourceFactory,
  ) {}

  /** The problems with granting `permissions` (empty when every one is grantable). */
  async problems(permissions: readonly string[], allowMissing: boolean): Promise<string[]> {
    const problems: string[] = [];
    for (const grant of permissions.map(parseGrant)) {
      const problem = await this.problemOf(grant, allowMissing);
      if (problem !== null) {
        problems.push(problem);
      }
    }
    return problems;
  }

  private async problemOf(grant: Grant, allowMissing: boolean): Promise<string | null> {
    const connection = await this.connections.find(grant.connection ?? BUILT_IN_SOURCE);
    if (connection?.engine === 'sqlite' && SQLITE_RESERVED.test(grant.table)) {
      return `table "${grant.text}" is an internal table of the database, not grantable`;
    }
    if (allowMissing) {
      return null;
    }
    if (!connection || connection.role !== 'source') {
      return `"${grant.connection}" in "${grant.text}" is not a source connection (GET /api/v1/connections lists them)`;
    }
    // Compared here too: the control database's collation may fold case and accents, a table name does not.
    const withPolicy = (await this.policies.listForTable(grant.table)).filter(
      (policy) => policy.tableName === grant.table,
    );
    if (withPolicy.some((policy) => grant.connection === undefined || policy.sourceConnection === grant.connection)) {
      return null;
    }
    if (await this.existsIn(connection.name, grant.table)) {
      return null;
    }
    if (grant.connection === undefined && (await this.existsInStoredSource(grant.table))) {
      return null;
    }
    const where = grant.connection === undefined ? 'any source connection' : `connection "${grant.connection}"`;
    return (
      `table "${grant.text}" has no policy and does not exist in ${where} ` +
      '(to grant it before it exists, pass allowMissing: true, or --allow-missing on the CLI)'
    );
  }

  private existsIn(connection: string, table: string): Promise<boolean> {
    return this.databases.withClient(connection, 'source', async (source) =>
      (await source.withSession((session) => listTables(session, source.schema))).includes(table),
    );
  }

  /** Whether a stored source connection that can be reached has the table (a bare grant covers them all). */
  private async existsInStoredSource(table: string): Promise<boolean> {
    const stored = (await this.connections.list()).filter(
      (connection) =>
        !connection.builtIn &&
        connection.role === 'source' &&
        !(connection.engine === 'sqlite' && SQLITE_RESERVED.test(table)),
    );
    for (const connection of stored) {
      try {
        if (await this.existsIn(connection.name, table)) {
          return true;
        }
      } catch (error) {
        if (!(error instanceof ConnectionUnavailableError)) {
          throw error;
        }
      }
    }
    return false;
  }
}

function parseGrant(text: string): Grant {
  const slash = text.indexOf('/');
  return slash === -1
    ? { text, table: text }
    : { text, table: text.slice(slash + 1), connection: text.slice(0, slash) };
}
