import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AppConfig } from '../config/app-config';
import { DataSourceRegistry } from '../database/data-source-registry';
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

/** Policies: one per source table, always checked against the live source schema before saving. */
@Injectable()
export class PolicyService {
  constructor(
    @InjectRepository(Policy, CONTROL_DB) private readonly policies: Repository<Policy>,
    private readonly databases: DataSourceRegistry,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async upsert(input: UpsertPolicyDto, actor: AuthenticatedUser): Promise<UpsertOutcome> {
    const source = this.databases.get('source');
    const table = await source.withSession((session) => inspectTable(session, source.schema, input.tableName));
    const shape = { ...input, criteria: input.criteria ?? [] };
    const problems = policyProblems(shape, table);
    if (input.runWindow && typeof RunWindow.parse(input.runWindow) === 'string') {
      problems.push(`runWindow: ${RunWindow.parse(input.runWindow) as string}`);
    }
    if (problems.length > 0) {
      throw new BadRequestException(problems);
    }
    const existing = await this.policies.findOneBy({ tableName: input.tableName });
    const now = new Date();
    const policy = this.policies.merge(existing ?? this.policies.create({ createdAt: now, enabled: true }), {
      tableName: input.tableName,
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
      details: { created: !existing, policyId: saved.id },
    });
    return { policy: saved, created: !existing };
  }

  list(): Promise<Policy[]> {
    return this.policies.find({ order: { tableName: 'ASC' } });
  }

  listEnabled(): Promise<Policy[]> {
    return this.policies.find({ where: { enabled: true }, order: { tableName: 'ASC' } });
  }

  async findByTable(tableName: string): Promise<Policy> {
    const policy = await this.policies.findOneBy({ tableName });
    if (!policy) {
      throw new NotFoundException(`no policy for table "${tableName}"`);
    }
    return policy;
  }

  async remove(tableName: string, actor: AuthenticatedUser): Promise<void> {
    const policy = await this.findByTable(tableName);
    await this.policies.delete({ id: policy.id });
    await this.audit.record({ actor, action: 'policy.delete', tableName, details: { policyId: policy.id } });
  }

  /** Rows per batch for this policy when a job does not say otherwise. */
  batchSizeOf(policy: Policy): number {
    return policy.batchSize ?? this.config.archiveBatchSize;
  }
}
