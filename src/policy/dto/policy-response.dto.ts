import { ApiProperty } from '@nestjs/swagger';
import { ApiIdProperty } from '../../openapi/integer-properties';
import { Criterion, type CriterionOperator } from '../criteria';
import { Policy } from '../entities/policy.entity';
import { CRITERION_VALUE_PROPERTY } from './criterion-value.schema';

export class CriterionResponseDto {
  /** @example status */
  column: string;
  /**
   * One of =, !=, <, <=, >, >=, in, not in, is null, is not null.
   * @example in
   */
  op: CriterionOperator;
  @ApiProperty({ ...CRITERION_VALUE_PROPERTY, description: 'Absent for `is null`/`is not null`.' })
  value?: string | number | boolean | Array<string | number> | null;
}

export class PolicyResponseDto {
  @ApiIdProperty(1)
  id: number;
  /** @example orders */
  tableName: string;
  /**
   * The connection whose table this is (`source`: the built-in one).
   * @example source
   */
  sourceConnection: string;
  /**
   * The connection archived rows go to (`archive`: the built-in one).
   * @example archive
   */
  archiveConnection: string;
  /** @example created_at */
  dateColumn: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 36_500, example: 365 })
  archiveAfterDays: number;
  @ApiProperty({ type: 'integer', minimum: 2, maximum: 36_500, example: 730 })
  deleteAfterDays: number;
  criteria: CriterionResponseDto[];
  /** Rows per batch; null means the service default (ARCHIVE_BATCH_SIZE). */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 50_000, nullable: true, example: null })
  batchSize: number | null;
  /** @example true */
  enabled: boolean;
  /** Pause while a replica lags more than this (seconds); null means MAX_REPLICA_LAG_SECONDS. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 86_400, nullable: true, example: null })
  maxReplicaLagSeconds: number | null;
  /** Pause while the source's Threads_running exceeds this (0: no check); null means MAX_THREADS_RUNNING. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100_000, nullable: true, example: null })
  maxThreadsRunning: number | null;
  /**
   * Daily UTC window (`HH:MM-HH:MM`) outside which runs stop cleanly; null means RUN_WINDOW.
   * @example 01:00-05:00
   */
  runWindow: string | null;
  /**
   * ISO 8601, UTC.
   * @example 2024-03-01T10:00:00.000Z
   */
  createdAt: string;
  /**
   * ISO 8601, UTC.
   * @example 2024-03-01T10:00:00.000Z
   */
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
