import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionSettings } from '../config/database-url';
import { CONTROL_DB } from '../database/database.constants';
import { ConnectionNotFoundError } from './connection-errors';
import { ConnectionOptions, settingsOf } from './connection-fields';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE, ConnectionEngine, ConnectionRole } from './connection-names';
import { ConnectionSecrets } from './connection-secrets';
import { StoredConnection } from './entities/stored-connection.entity';

/** A connection as DAS knows it, built-in or stored, without its password. */
export interface ConnectionDefinition {
  readonly name: string;
  readonly role: ConnectionRole;
  readonly engine: ConnectionEngine;
  readonly builtIn: boolean;
  /** Pools are cached per this key: the stored id and version (an edit makes a new key). */
  readonly cacheKey: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string;
  readonly username: string | null;
  readonly hasPassword: boolean;
  readonly options: ConnectionOptions;
  /** The variable that configures a built-in connection; null for stored ones. */
  readonly configuredBy: string | null;
  readonly version: number | null;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

/** A definition that can be opened: settings() decrypts the password, at the moment it is needed. */
export interface OpenableConnection extends ConnectionDefinition {
  settings(): ConnectionSettings;
}

/**
 * Every connection by name: the built-in `source` and `archive` from the configuration, the others
 * from the control database (read on each call, so an edit or a removal takes effect at once, in
 * every process).
 */
@Injectable()
export class ConnectionCatalog {
  private readonly builtIns: ReadonlyMap<string, OpenableConnection>;

  constructor(
    @InjectRepository(StoredConnection, CONTROL_DB) private readonly stored: Repository<StoredConnection>,
    private readonly secrets: ConnectionSecrets,
    config: AppConfig,
  ) {
    this.builtIns = new Map([
      [BUILT_IN_SOURCE, builtIn(BUILT_IN_SOURCE, 'SOURCE_DB_URL', config.sourceDb)],
      [BUILT_IN_ARCHIVE, builtIn(BUILT_IN_ARCHIVE, 'ARCHIVE_DB_URL', config.archiveDb)],
    ]);
  }

  /** Built-ins first, then the stored connections by name. */
  async list(): Promise<OpenableConnection[]> {
    const stored = await this.stored.find({ order: { name: 'ASC' } });
    return [...this.builtIns.values(), ...stored.map((row) => this.openable(row))];
  }

  async find(name: string): Promise<OpenableConnection | null> {
    const builtIn = this.builtIns.get(name);
    if (builtIn) {
      return builtIn;
    }
    const row = await this.stored.findOneBy({ name });
    return row ? this.openable(row) : null;
  }

  /** @throws ConnectionNotFoundError */
  async get(name: string): Promise<OpenableConnection> {
    const connection = await this.find(name);
    if (!connection) {
      throw new ConnectionNotFoundError(name);
    }
    return connection;
  }

  private openable(row: StoredConnection): OpenableConnection {
    const fields = { ...row, options: row.options ?? {} };
    return {
      name: row.name,
      role: row.role,
      engine: row.engine,
      builtIn: false,
      cacheKey: `${row.id}@${row.version}`,
      host: row.host,
      port: row.port,
      database: row.database,
      username: row.username,
      hasPassword: row.passwordEncrypted !== null,
      options: fields.options,
      configuredBy: null,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      settings: () =>
        settingsOf(
          fields,
          row.passwordEncrypted === null ? null : this.secrets.decrypt(row.passwordEncrypted, row.name),
        ),
    };
  }
}

function builtIn(name: ConnectionRole, variable: string, settings: ConnectionSettings): OpenableConnection {
  const mysql = settings.engine === 'mysql' ? settings : null;
  return {
    name,
    role: name,
    engine: settings.engine,
    builtIn: true,
    cacheKey: `built-in:${name}`,
    host: mysql?.host ?? null,
    port: mysql?.port ?? null,
    database: mysql ? mysql.database : settings.engine === 'sqlite' ? settings.path : '',
    username: mysql?.user ?? null,
    hasPassword: Boolean(mysql?.password),
    options: {},
    configuredBy: variable,
    version: null,
    createdAt: null,
    updatedAt: null,
    settings: () => settings,
  };
}
