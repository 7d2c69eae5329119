import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { Policy } from '../policy/entities/policy.entity';
import { isUniqueViolation } from '../users/unique-violation';
import { ConnectionCatalog, ConnectionDefinition } from './connection-catalog';
import { ConnectionConflictError, ConnectionNotFoundError, InvalidConnectionError } from './connection-errors';
import { ConnectionFields, ConnectionInput, connectionFieldsOf } from './connection-fields';
import {
  CONNECTION_NAME_PATTERN,
  CONNECTION_NAME_RULE,
  isBuiltInConnection,
  sameEngineFamily,
} from './connection-names';
import { ConnectionSecrets } from './connection-secrets';
import { ConnectionTestReport, testConnection } from './connection-tester';
import { DataSourceFactory } from './data-source-factory';
import { ConnectionDto, ConnectionTestDto } from './dto/connection.dto';
import { StoredConnection } from './entities/stored-connection.entity';

/**
 * Managed connections: create, change, remove and test them. The built-in `source` and `archive`
 * are listed and tested like the others, and changed only through their environment variables.
 * Every change is audited without its password; the password is encrypted before it is stored.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    @InjectRepository(StoredConnection, CONTROL_DB) private readonly stored: Repository<StoredConnection>,
    @InjectRepository(Policy, CONTROL_DB) private readonly policies: Repository<Policy>,
    private readonly catalog: ConnectionCatalog,
    private readonly secrets: ConnectionSecrets,
    private readonly factory: DataSourceFactory,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(): Promise<ConnectionDto[]> {
    const [connections, policies] = await Promise.all([this.catalog.list(), this.policies.find()]);
    return connections.map((connection) => this.toDto(connection, policies));
  }

  async get(name: string): Promise<ConnectionDto> {
    const connection = await this.catalog.get(name);
    return this.toDto(connection, await this.policiesUsing(this.policies.manager, name));
  }

  /** @throws InvalidConnectionError, ConnectionConflictError (name taken or built in), EncryptionKeyError (password without key) */
  async create(name: string, input: ConnectionInput, actor: AuditActor): Promise<ConnectionDto> {
    if (!CONNECTION_NAME_PATTERN.test(name)) {
      throw new InvalidConnectionError([CONNECTION_NAME_RULE]);
    }
    if (isBuiltInConnection(name)) {
      throw builtInReadOnly(name);
    }
    const fields = connectionFieldsOf(input, this.config.baseDir);
    const now = new Date();
    try {
      await this.stored.manager.transaction(async (manager) => {
        const repository = manager.getRepository(StoredConnection);
        const columns = this.columnsOf(name, fields, null);
        await repository.insert({ name, ...columns, version: 1, createdAt: now, updatedAt: now });
        await this.audit.record(
          { actor, action: 'connection.create', connection: name, details: auditDetails(columns, fields) },
          manager,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConnectionConflictError(`a connection named "${name}" already exists`);
      }
      throw error;
    }
    return this.get(name);
  }

  /**
   * Replaces a stored connection's description; its pool is replaced too (runs using the old one
   * finish on it). Refused while policies would no longer fit: a role they rely on, or an engine that
   * differs from the other side of their policies.
   */
  async update(name: string, input: ConnectionInput, actor: AuditActor): Promise<ConnectionDto> {
    if (isBuiltInConnection(name)) {
      throw builtInReadOnly(name);
    }
    const fields = connectionFieldsOf(input, this.config.baseDir);
    await this.stored.manager.transaction(async (manager) => {
      const repository = manager.getRepository(StoredConnection);
      const current = await repository.findOneBy({ name });
      if (!current) {
        throw new ConnectionNotFoundError(name);
      }
      await this.checkStillFits(manager, name, fields);
      const columns = this.columnsOf(name, fields, current);
      await repository.update({ id: current.id }, { ...columns, version: current.version + 1, updatedAt: new Date() });
      await this.audit.record(
        {
          actor,
          action: 'connection.update',
          connection: name,
          details: {
            ...auditDetails(columns, fields),
            changed: changedFields(current, columns),
            version: current.version + 1,
          },
        },
        manager,
      );
    });
    this.factory.retire(name);
    return this.get(name);
  }

  /** @throws ConnectionConflictError naming the policies that still use it */
  async remove(name: string, actor: AuditActor): Promise<void> {
    if (isBuiltInConnection(name)) {
      throw builtInReadOnly(name);
    }
    await this.stored.manager.transaction(async (manager) => {
      const current = await manager.getRepository(StoredConnection).findOneBy({ name });
      if (!current) {
        throw new ConnectionNotFoundError(name);
      }
      const users = await this.policiesUsing(manager, name);
      if (users.length > 0) {
        throw new ConnectionConflictError(
          `connection "${name}" is used by ${users.length} ${users.length === 1 ? 'policy' : 'policies'}: ` +
            `${users.map(policyLabel).join(', ')}; delete them or point them at another connection first`,
        );
      }
      await manager.getRepository(StoredConnection).delete({ id: current.id });
      await this.audit.record(
        { actor, action: 'connection.delete', connection: name, details: { id: current.id } },
        manager,
      );
    });
    this.factory.retire(name);
  }

  /** Checks the connection now, step by step; the answer says what failed. */
  async test(name: string, actor: AuditActor): Promise<ConnectionTestDto> {
    const connection = await this.catalog.get(name);
    const report: ConnectionTestReport = await testConnection(connection.settings(), connection.role);
    const failed = report.checks.find((check) => !check.ok) ?? null;
    await this.audit.record({
      actor,
      action: 'connection.test',
      connection: name,
      details: { ok: report.ok, failedCheck: failed?.check ?? null },
    });
    return {
      name,
      role: connection.role,
      ok: report.ok,
      checks: report.checks,
      error: failed?.message ?? null,
    };
  }

  /** The stored columns of `fields`; a password left out keeps the stored ciphertext of `current`. */
  private columnsOf(name: string, fields: ConnectionFields, current: StoredConnection | null): StoredColumns {
    const passwordEncrypted =
      fields.password === undefined
        ? (current?.passwordEncrypted ?? null)
        : fields.password === null
          ? null
          : this.secrets.encrypt(fields.password, name);
    return {
      role: fields.role,
      engine: fields.engine,
      host: fields.host,
      port: fields.port,
      database: fields.database,
      username: fields.username,
      passwordEncrypted,
      options: fields.options,
    };
  }

  private async checkStillFits(manager: EntityManager, name: string, fields: ConnectionFields): Promise<void> {
    const problems: string[] = [];
    for (const policy of await this.policiesUsing(manager, name)) {
      const side = policy.sourceConnection === name ? 'source' : 'archive';
      if (side !== fields.role) {
        problems.push(`policy ${policyLabel(policy)} uses it as its ${side} connection`);
        continue;
      }
      const other = await this.catalog.find(side === 'source' ? policy.archiveConnection : policy.sourceConnection);
      if (other && !sameEngineFamily(other.engine, fields.engine)) {
        problems.push(`policy ${policyLabel(policy)} pairs it with ${other.engine} connection "${other.name}"`);
      }
    }
    if (problems.length > 0) {
      throw new ConnectionConflictError(`connection "${name}" cannot change that way: ${problems.join('; ')}`);
    }
  }

  private policiesUsing(manager: EntityManager, name: string): Promise<Policy[]> {
    return manager.getRepository(Policy).find({
      where: [{ sourceConnection: name }, { archiveConnection: name }],
      order: { sourceConnection: 'ASC', tableName: 'ASC' },
    });
  }

  private toDto(connection: ConnectionDefinition, policies: Policy[]): ConnectionDto {
    return {
      name: connection.name,
      role: connection.role,
      engine: connection.engine,
      host: connection.host,
      port: connection.port,
      database: connection.database,
      user: connection.username,
      hasPassword: connection.hasPassword,
      options: { ...connection.options },
      builtIn: connection.builtIn,
      configuredBy: connection.configuredBy,
      version: connection.version,
      createdAt: connection.createdAt?.toISOString() ?? null,
      updatedAt: connection.updatedAt?.toISOString() ?? null,
      usedBy: policies
        .filter((policy) => policy.sourceConnection === connection.name || policy.archiveConnection === connection.name)
        .map(policyLabel)
        .sort(),
      poolOpen: connection.builtIn || this.factory.openClient(connection.name) !== null,
    };
  }
}

function builtInReadOnly(name: string): ConnectionConflictError {
  return new ConnectionConflictError(
    `"${name}" is a built-in connection, configured by ${name === 'source' ? 'SOURCE_DB_URL' : 'ARCHIVE_DB_URL'}: ` +
      'change it there (it is read-only through the API)',
  );
}

/** `sourceConnection/tableName`, how policies are named in messages and permissions. */
export function policyLabel(policy: Pick<Policy, 'sourceConnection' | 'tableName'>): string {
  return `${policy.sourceConnection}/${policy.tableName}`;
}

/** Where a connection points: what the audit trail keeps of it, and compares between versions. */
const LOCATION_FIELDS = ['role', 'engine', 'host', 'port', 'database', 'username'] as const;

/** What the audit trail keeps of a connection: where it points, and whether a password was given — never the password. */
function auditDetails(columns: StoredColumns, fields: ConnectionFields): Record<string, unknown> {
  return {
    ...Object.fromEntries(LOCATION_FIELDS.map((field) => [field, columns[field]])),
    passwordChanged: fields.password !== undefined,
  };
}

function changedFields(current: StoredConnection, next: StoredColumns): string[] {
  const changed: string[] = LOCATION_FIELDS.filter((field) => current[field] !== next[field]);
  if (current.passwordEncrypted !== next.passwordEncrypted) {
    changed.push('password');
  }
  if (JSON.stringify(current.options ?? {}) !== JSON.stringify(next.options)) {
    changed.push('options');
  }
  return changed;
}

/** The columns a create or an update writes. */
type StoredColumns = Pick<
  StoredConnection,
  'role' | 'engine' | 'host' | 'port' | 'database' | 'username' | 'passwordEncrypted' | 'options'
>;
