import { existsSync } from 'node:fs';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createPool } from 'mysql2';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionSettings } from '../config/database-url';
import { BuiltInClients } from '../database/built-in-clients';
import { dataDataSourceOptions } from '../database/data-source-options';
import { DataConnectionName } from '../database/database.constants';
import { mysqlDataPoolOptions } from '../database/mysql-pool-options';
import { MysqlSqlClient } from '../database/mysql-sql-client';
import { SqlClient } from '../database/sql-client';
import { SqliteSqlClient } from '../database/sqlite-sql-client';
import { describePingFailure } from '../health/ping-failure';
import { ConnectionCatalog, OpenableConnection } from './connection-catalog';
import { ConnectionError, ConnectionUnavailableError, InvalidConnectionError } from './connection-errors';
import { poolOptionsOf } from './connection-fields';
import { ConnectionRole } from './connection-names';

/** Extra time, beyond the driver's connect timeout, that opening a pool may take (handshake, session setup). */
const OPEN_MARGIN_MS = 5_000;

/** What the factory holds for one connection. */
interface PoolEntry {
  readonly name: string;
  readonly cacheKey: string;
  readonly client: SqlClient;
  /** Stored connections: closed when idle or stale. Built-ins live as long as the process. */
  readonly managed: boolean;
  readonly close: () => Promise<void>;
  /** Jobs and reads using it right now. */
  users: number;
  closed: boolean;
  /** Stale (edited or removed) or idle: closed as soon as nobody uses it, never handed out again. */
  retired: boolean;
  idleTimer: NodeJS.Timeout | null;
}

/** One open pool, as GET /connections and the tests see it. */
export interface PoolState {
  readonly name: string;
  readonly cacheKey: string;
  readonly users: number;
}

/**
 * Where jobs and reads get their databases: a pool per connection, opened the first time one is
 * needed, cached by connection id and version, closed after CONNECTION_IDLE_SECONDS unused, and
 * replaced after an edit (the old pool closes once the runs using it are done). Pools of stored
 * MySQL/MariaDB connections are mysql2 pools built from the driver's own options, small
 * (CONNECTION_POOL_LIMIT, or the connection's `connectionLimit`). The built-in `source` and
 * `archive` are the data sources opened at boot, and stay open.
 */
@Injectable()
export class DataSourceFactory implements OnApplicationShutdown {
  private readonly logger = new Logger(DataSourceFactory.name);
  /** The current pool of each connection, by name. */
  private readonly current = new Map<string, PoolEntry>();
  /** Pools being opened, by cache key: two jobs asking at once share one. */
  private readonly opening = new Map<string, Promise<PoolEntry>>();
  private readonly closing = new Set<Promise<void>>();
  private readonly idleMs: number;
  private shuttingDown = false;

  constructor(
    private readonly catalog: ConnectionCatalog,
    private readonly builtIns: BuiltInClients,
    private readonly config: AppConfig,
  ) {
    this.idleMs = config.connectionIdleSeconds * 1000;
  }

  /**
   * Runs `work` with the client of connection `name`, which must have `role`.
   * @throws ConnectionNotFoundError, InvalidConnectionError (wrong role), ConnectionUnavailableError
   */
  async withClient<T>(name: string, role: ConnectionRole, work: (client: SqlClient) => Promise<T>): Promise<T> {
    const entry = await this.acquire(name, role);
    try {
      return await work(entry.client);
    } finally {
      this.release(entry);
    }
  }

  /** Runs `work` with the clients of a policy's source and archive connections. */
  withClients<T>(
    source: string,
    archive: string,
    work: (source: SqlClient, archive: SqlClient) => Promise<T>,
  ): Promise<T> {
    return this.withClient(source, 'source', (sourceClient) =>
      this.withClient(archive, 'archive', (archiveClient) => work(sourceClient, archiveClient)),
    );
  }

  /** The connection's pool, if one is open now (for pinging without opening one). */
  openClient(name: string): SqlClient | null {
    const entry = this.current.get(name);
    return entry && !entry.retired ? entry.client : null;
  }

  /** The open pools of stored connections. */
  openPools(): PoolState[] {
    return [...this.current.values()]
      .filter((entry) => entry.managed)
      .map(({ name, cacheKey, users }) => ({ name, cacheKey, users }));
  }

  /** After an edit or a removal: the connection's pool closes once the runs and reads using it are done. */
  retire(name: string): void {
    const entry = this.current.get(name);
    if (entry?.managed) {
      this.retireEntry(entry);
    }
  }

  /** After the job runner has stopped its runs (beforeApplicationShutdown): closes every stored connection's pool. */
  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.allSettled([...this.opening.values()]);
    for (const entry of [...this.current.values()].filter((candidate) => candidate.managed)) {
      this.current.delete(entry.name);
      entry.retired = true;
      this.close(entry);
    }
    await Promise.allSettled([...this.closing]);
  }

  private async acquire(name: string, role: ConnectionRole): Promise<PoolEntry> {
    if (this.shuttingDown) {
      throw new ConnectionUnavailableError(name, role, 'the service is shutting down');
    }
    const connection = await this.catalog.get(name);
    if (connection.role !== role) {
      throw new InvalidConnectionError([
        `connection "${name}" is a${connection.role === 'archive' ? 'n' : ''} ${connection.role} connection, not a${role === 'archive' ? 'n' : ''} ${role} one`,
      ]);
    }
    let entry = this.current.get(name);
    if (entry && entry.cacheKey !== connection.cacheKey) {
      // Edited since its pool was opened: new runs get a new pool, current ones keep the old.
      this.retireEntry(entry);
      entry = undefined;
    }
    entry ??= await this.open(connection);
    entry.users += 1;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    if (entry.managed && entry.users === 1) {
      await this.verify(entry, connection, role);
    }
    return entry;
  }

  private release(entry: PoolEntry): void {
    entry.users -= 1;
    if (entry.users > 0 || !entry.managed) {
      return;
    }
    if (entry.retired) {
      this.close(entry);
      return;
    }
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.users === 0) {
        this.logger.debug(`Closing the idle pool of connection "${entry.name}"`);
        this.retireEntry(entry);
      }
    }, this.idleMs);
    // An idle pool is never the reason a process stays alive.
    entry.idleTimer.unref();
  }

  private open(connection: OpenableConnection): Promise<PoolEntry> {
    if (connection.builtIn) {
      const entry = this.entry(
        connection,
        this.builtIns.get(connection.name as DataConnectionName),
        false,
        async () => undefined,
      );
      this.current.set(connection.name, entry);
      return Promise.resolve(entry);
    }
    let opening = this.opening.get(connection.cacheKey);
    if (!opening) {
      opening = this.openManaged(connection).then((entry) => {
        this.current.set(connection.name, entry);
        return entry;
      });
      const forget = () => this.opening.delete(connection.cacheKey);
      opening.then(forget, forget);
      this.opening.set(connection.cacheKey, opening);
    }
    return opening;
  }

  private async openManaged(connection: OpenableConnection): Promise<PoolEntry> {
    let settings: ConnectionSettings;
    try {
      settings = connection.settings();
    } catch (error) {
      throw error instanceof ConnectionError
        ? new ConnectionUnavailableError(connection.name, connection.role, error.message)
        : error;
    }
    if (settings.engine === 'sqlite') {
      if (connection.role === 'source' && !existsSync(settings.path)) {
        // better-sqlite3 would create an empty file: a typo must not look like an empty source.
        throw new ConnectionUnavailableError(connection.name, connection.role, 'its SQLite file does not exist');
      }
      const dataSource = await new DataSource(dataDataSourceOptions(settings)).initialize();
      const client = new SqliteSqlClient(connection.name, settings, dataSource);
      return this.entry(connection, client, true, () => dataSource.destroy());
    }
    const pool = createPool({
      ...mysqlDataPoolOptions(settings),
      connectionLimit: this.config.connectionPoolLimit,
      ...poolOptionsOf(connection.options),
    });
    // The same session limits as the built-in connections; waiting for a free pooled connection is
    // bounded by the client (ACQUIRE_TIMEOUT_MS).
    const client = new MysqlSqlClient(connection.name, settings, () => pool, this.config.sessionLimits);
    return this.entry(connection, client, true, () => new Promise<void>((resolve) => pool.end(() => resolve())));
  }

  /**
   * The first user of a pool checks that it answers, so that a connection that is down fails its
   * job before the engine starts, with a message naming it — and leaves no pool behind.
   */
  private async verify(entry: PoolEntry, connection: OpenableConnection, role: ConnectionRole): Promise<void> {
    const connectTimeout = Number(connection.options.connectTimeout ?? 10_000);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        entry.client.withSession((session) => session.query('SELECT 1')),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${(connectTimeout + OPEN_MARGIN_MS) / 1000} s`)),
            connectTimeout + OPEN_MARGIN_MS,
          );
        }),
      ]);
    } catch (error) {
      entry.users -= 1;
      this.retireEntry(entry);
      throw new ConnectionUnavailableError(connection.name, role, reasonOf(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private entry(
    connection: OpenableConnection,
    client: SqlClient,
    managed: boolean,
    close: () => Promise<void>,
  ): PoolEntry {
    return {
      name: connection.name,
      cacheKey: connection.cacheKey,
      client,
      managed,
      close,
      users: 0,
      closed: false,
      retired: false,
      idleTimer: null,
    };
  }

  private retireEntry(entry: PoolEntry): void {
    entry.retired = true;
    if (this.current.get(entry.name) === entry) {
      this.current.delete(entry.name);
    }
    if (entry.users === 0) {
      this.close(entry);
    }
  }

  private close(entry: PoolEntry): void {
    if (entry.closed) {
      return;
    }
    entry.closed = true;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    const closing = entry
      .close()
      .catch((error: unknown) =>
        this.logger.warn(`Could not close the pool of connection "${entry.name}": ${(error as Error).message}`),
      );
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}

/** Why a connection could not be opened, in words an operator recognises (driver codes named). */
export function reasonOf(error: unknown): string {
  const described = describePingFailure(error);
  return described.startsWith('ping failed') && error instanceof Error ? error.message : described;
}
