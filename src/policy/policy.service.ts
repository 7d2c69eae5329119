import { BadRequestException, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-error';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AppConfig } from '../config/app-config';
import { ConnectionCatalog } from '../connections/connection-catalog';
import { InvalidConnectionError } from '../connections/connection-errors';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE, sameEngineFamily } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { CONTROL_DB } from '../database/database.constants';
import { inspectTable } from '../database/schema/schema-inspector';
import { UpsertPolicyDto } from './dto/upsert-policy.dto';
import { Policy } from './entities/policy.entity';
import { policyProblems } from './policy-rules';
import { RunWindow } from '../archive/engine/run-window';

export interface UpsertOutcome {
  policy: Policy;
  created: boolean;
}

/**
 * Policies: one per (source connection, table), always checked against the live source schema,
 * and against their connections (roles, same engine), before saving.
 */
@Injectable()
export class PolicyService {
  constructor(
    @InjectRepository(Policy, CONTROL_DB) private readonly policies: Repository<Policy>,
    private readonly databases: DataSourceFactory,
    private readonly connections: ConnectionCatalog,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async upsert(input: UpsertPolicyDto, actor: AuthenticatedUser): Promise<UpsertOutcome> {
    const sourceConnection = input.sourceConnection ?? BUILT_IN_SOURCE;
    const existing = await this.policies.findOneBy({ sourceConnection, tableName: input.tableName });
    const archiveConnection = input.archiveConnection ?? existing?.archiveConnection ?? BUILT_IN_ARCHIVE;
    await this.checkConnections(sourceConnection, archiveConnection);
    const table = await this.databases.withClient(sourceConnection, 'source', (source) =>
      source.withSession((session) => inspectTable(session, source.schema, input.tableName)),
    );
    const shape = { ...input, criteria: input.criteria ?? [] };
    const problems = policyProblems(shape, table);
    if (input.runWindow && typeof RunWindow.parse(input.runWindow) === 'string') {
      problems.push(`runWindow: ${RunWindow.parse(input.runWindow) as string}`);
    }
    if (problems.length > 0) {
      throw new BadRequestException(problems);
    }
    const now = new Date();
    const policy = this.policies.merge(existing ?? this.policies.create({ createdAt: now, enabled: true }), {
      tableName: input.tableName,
      sourceConnection,
      archiveConnection,
      dateColumn: input.dateColumn,
      archiveAfterDays: input.archiveAfterDays,
      deleteAfterDays: input.deleteAfterDays,
      criteria: shape.criteria.map(({ column, op, value }) => ({
        column,
        op,
        ...(value === undefined ? {} : { value }),
      })),
      batchSize: input.batchSize ?? null,
      enabled: input.enabled ?? existing?.enabled ?? true,
      maxReplicaLagSeconds: input.maxReplicaLagSeconds ?? null,
      maxThreadsRunning: input.maxThreadsRunning ?? null,
      runWindow: input.runWindow ?? null,
      updatedAt: now,
    });
    const saved = await this.policies.save(policy);
    await this.audit.record({
      actor,
      action: 'policy.upsert',
      tableName: saved.tableName,
      connection: saved.sourceConnection,
      details: { created: !existing, policyId: saved.id, archiveConnection: saved.archiveConnection },
    });
    return { policy: saved, created: !existing };
  }

  list(): Promise<Policy[]> {
    return this.policies.find({ order: { tableName: 'ASC', sourceConnection: 'ASC' } });
  }

  listEnabled(): Promise<Policy[]> {
    return this.policies.find({ where: { enabled: true }, order: { tableName: 'ASC', sourceConnection: 'ASC' } });
  }

  /** Every policy of a table name, whatever its source connection. */
  listForTable(tableName: string): Promise<Policy[]> {
    return this.policies.find({ where: { tableName }, order: { sourceConnection: 'ASC' } });
  }

  /** The policy of `tableName` on `sourceConnection` (default: the built-in `source`). */
  async findByTable(tableName: string, sourceConnection: string = BUILT_IN_SOURCE): Promise<Policy> {
    const policy = await this.policies.findOneBy({ sourceConnection, tableName });
    if (!policy) {
      throw new NotFoundError(await this.notFoundMessage(tableName, sourceConnection));
    }
    return policy;
  }

  async remove(tableName: string, actor: AuthenticatedUser, sourceConnection: string = BUILT_IN_SOURCE): Promise<void> {
    const policy = await this.findByTable(tableName, sourceConnection);
    await this.policies.delete({ id: policy.id });
    await this.audit.record({
      actor,
      action: 'policy.delete',
      tableName,
      connection: sourceConnection,
      details: { policyId: policy.id },
    });
  }

  /** Rows per batch for this policy when a job does not say otherwise. */
  batchSizeOf(policy: Policy): number {
    return policy.batchSize ?? this.config.archiveBatchSize;
  }

  /**
   * Both connections exist, each has its role, and they speak the same SQL: archive tables mirror
   * source column types and batches are verified by digests computed by each database.
   */
  private async checkConnections(sourceName: string, archiveName: string): Promise<void> {
    const [source, archive] = await Promise.all([
      this.connections.find(sourceName),
      this.connections.find(archiveName),
    ]);
    const problems: string[] = [];
    if (!source) {
      problems.push(`sourceConnection: no connection named "${sourceName}"`);
    } else if (source.role !== 'source') {
      problems.push(`sourceConnection: "${sourceName}" is an ${source.role} connection`);
    }
    if (!archive) {
      problems.push(`archiveConnection: no connection named "${archiveName}"`);
    } else if (archive.role !== 'archive') {
      problems.push(`archiveConnection: "${archiveName}" is a ${archive.role} connection`);
    }
    if (source && archive && !sameEngineFamily(source.engine, archive.engine)) {
      problems.push(
        `source and archive connections must use the same engine ("${sourceName}" is ${source.engine}, ` +
          `"${archiveName}" is ${archive.engine})`,
      );
    }
    if (problems.length > 0) {
      throw new InvalidConnectionError(problems);
    }
  }

  private async notFoundMessage(tableName: string, sourceConnection: string): Promise<string> {
    const elsewhere = (await this.listForTable(tableName)).map((policy) => policy.sourceConnection);
    const base =
      sourceConnection === BUILT_IN_SOURCE
        ? `no policy for table "${tableName}"`
        : `no policy for table "${tableName}" on connection "${sourceConnection}"`;
    return elsewhere.length === 0
      ? base
      : `${base}; it has a policy on ${elsewhere.map((name) => `"${name}"`).join(', ')} (add ?connection=${elsewhere[0]})`;
  }
}
