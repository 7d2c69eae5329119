import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { BuiltInClients } from '../database/built-in-clients';
import { SqlClient } from '../database/sql-client';
import { ConnectionCatalog, OpenableConnection } from './connection-catalog';
import { ConnectionNotFoundError, ConnectionUnavailableError, InvalidConnectionError } from './connection-errors';
import { ConnectionRole } from './connection-names';
import { DataSourceFactory } from './data-source-factory';

/** Stored SQLite connections in a temporary directory, editable by the test (version bumps). */
class FakeCatalog {
  readonly connections = new Map<string, OpenableConnection>();

  constructor(private readonly dir: string) {}

  add(name: string, role: ConnectionRole, file = `${name}.sqlite`, version = 1): void {
    const path = join(this.dir, file);
    this.connections.set(name, {
      name,
      role,
      engine: 'sqlite',
      builtIn: false,
      cacheKey: `${name}@${version}`,
      host: null,
      port: null,
      database: path,
      username: null,
      hasPassword: false,
      options: {},
      configuredBy: null,
      version,
      createdAt: null,
      updatedAt: null,
      settings: () => ({ engine: 'sqlite', path }),
    });
  }

  /** An edit: same name, next version. */
  edit(name: string): void {
    const current = this.connections.get(name)!;
    this.add(name, current.role, `${name}.sqlite`, (current.version ?? 1) + 1);
  }

  async get(name: string): Promise<OpenableConnection> {
    const connection = this.connections.get(name);
    if (!connection) {
      throw new ConnectionNotFoundError(name);
    }
    return connection;
  }
}

const selectOne = (client: SqlClient) => client.withSession((session) => session.query('SELECT 1 AS one'));

async function eventually(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('DataSourceFactory', () => {
  let dir: string;
  let catalog: FakeCatalog;
  let factory: DataSourceFactory;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'das-factory-'));
    catalog = new FakeCatalog(dir);
    const config = { connectionIdleSeconds: 1, connectionPoolLimit: 2 } as AppConfig;
    factory = new DataSourceFactory(catalog as unknown as ConnectionCatalog, {} as BuiltInClients, config);
  });

  afterEach(async () => {
    await factory.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a pool the first time a connection is needed, reuses it, and closes it once idle', async () => {
    catalog.add('vault', 'archive');
    expect(factory.openPools()).toEqual([]);
    const first = await factory.withClient('vault', 'archive', async (client) => client);
    const second = await factory.withClient('vault', 'archive', async (client) => client);
    expect(second).toBe(first);
    expect(factory.openPools()).toEqual([{ name: 'vault', cacheKey: 'vault@1', users: 0 }]);
    await eventually('the idle pool to close', () => factory.openPools().length === 0);
    await eventually('its database handle to close', () =>
      selectOne(first).then(
        () => false,
        () => true,
      ),
    );
  });

  it('gives new work a new pool after an edit, and closes the old one once the work using it is done', async () => {
    catalog.add('vault', 'archive');
    const old = await factory.withClient('vault', 'archive', async (client) => {
      catalog.edit('vault');
      const fresh = await factory.withClient('vault', 'archive', async (other) => other);
      expect(fresh).not.toBe(client);
      expect(factory.openPools()).toEqual([{ name: 'vault', cacheKey: 'vault@2', users: 0 }]);
      // The run that had the old pool goes on with it.
      await expect(selectOne(client)).resolves.toEqual([{ one: 1n }]);
      return client;
    });
    await eventually('the stale pool to close', () =>
      selectOne(old).then(
        () => false,
        () => true,
      ),
    );
  });

  it('keeps a pool in use open past the idle time', async () => {
    catalog.add('vault', 'archive');
    await factory.withClient('vault', 'archive', async (client) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(factory.openPools()).toEqual([{ name: 'vault', cacheKey: 'vault@1', users: 1 }]);
      await expect(selectOne(client)).resolves.toHaveLength(1);
    });
  });

  it('fails with the connection named when it cannot be opened, and keeps no pool', async () => {
    catalog.add('shop', 'source', 'missing.sqlite');
    await expect(factory.withClient('shop', 'source', async () => 'never')).rejects.toThrow(
      new ConnectionUnavailableError('shop', 'source', 'its SQLite file does not exist'),
    );
    expect(factory.openPools()).toEqual([]);
  });

  it('refuses a connection used in the wrong role, and an unknown one', async () => {
    catalog.add('vault', 'archive');
    await expect(factory.withClient('vault', 'source', async () => 'never')).rejects.toThrow(InvalidConnectionError);
    await expect(factory.withClient('nowhere', 'source', async () => 'never')).rejects.toThrow(ConnectionNotFoundError);
    expect(factory.openPools()).toEqual([]);
  });

  it('closes every pool at shutdown and opens none after', async () => {
    catalog.add('vault', 'archive');
    catalog.add('other', 'archive');
    await factory.withClient('vault', 'archive', async () => undefined);
    await factory.withClient('other', 'archive', async () => undefined);
    expect(factory.openPools()).toHaveLength(2);
    await factory.onApplicationShutdown();
    expect(factory.openPools()).toEqual([]);
    await expect(factory.withClient('vault', 'archive', async () => undefined)).rejects.toThrow(/shutting down/);
  });
});
