import { Criterion, type CriterionOperator } from '../criteria';
import { Policy } from '../entities/policy.entity';

export class CriterionResponseDto {
  column: string;
  /** One of =, !=, <, <=, >, >=, in, not in, is null, is not null. */
  op: CriterionOperator;
  value?: string | number | boolean | Array<string | number> | null;
}

export class PolicyResponseDto {
  id: number;
  tableName: string;
  /** The connection whose table this is (`source`: the built-in one). */
  sourceConnection: string;
  /** The connection archived rows go to (`archive`: the built-in one). */
  archiveConnection: string;
  dateColumn: string;
  archiveAfterDays: number;
  deleteAfterDays: number;
  criteria: CriterionResponseDto[];
  /** Rows per batch; null means the service default (ARCHIVE_BATCH_SIZE). */
  batchSize: number | null;
  enabled: boolean;
  /** Pause while a replica lags more than this (seconds); null means MAX_REPLICA_LAG_SECONDS. */
  maxReplicaLagSeconds: number | null;
  /** Pause while the source's Threads_running exceeds this (0: no check); null means MAX_THREADS_RUNNING. */
  maxThreadsRunning: number | null;
  /** Daily UTC window (`HH:MM-HH:MM`) outside which runs stop cleanly; null means RUN_WINDOW. */
  runWindow: string | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC. */
  updatedAt: string;

  static from(policy: Policy): PolicyResponseDto {
    return {
      id: policy.id,
      tableName: policy.tableName,
      sourceConnection: policy.sourceConnection,
      archiveConnection: policy.archiveConnection,
      dateColumn: policy.dateColumn,
      archiveAfterDays: policy.archiveAfterDays,
      deleteAfterDays: policy.deleteAfterDays,
      criteria: policy.criteria.map((c: Criterion) => ({ ...c })),
      batchSize: policy.batchSize,
      enabled: Boolean(policy.enabled),
      maxReplicaLagSeconds: policy.maxReplicaLagSeconds,
      maxThreadsRunning: policy.maxThreadsRunning,
      runWindow: policy.runWindow,
      createdAt: policy.createdAt.toISOString(),
      updatedAt: policy.updatedAt.toISOString(),
    };
  }
}
