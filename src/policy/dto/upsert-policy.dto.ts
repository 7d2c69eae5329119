import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { RUN_WINDOW_PATTERN } from '../../archive/engine/run-window';
import { IntegerField } from '../../common/integer-fields';
import { IsSqlIdentifier } from '../../common/sql-identifier';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../../connections/connection-names';
import { RUN_OPTION_RANGES } from '../../runs/run-option-ranges';
import { CRITERION_OPERATORS, type CriterionOperator } from '../criteria';
import { CRITERION_VALUE_PROPERTY } from './criterion-value.schema';

/** Most extra conditions a policy may have. */
const MAX_CRITERIA = 100;
/** A hundred years. */
const MAX_DAYS = 36_500;

export class CriterionDto {
  /**
   * A column of the source table.
   * @example status
   */
  @IsString()
  @IsSqlIdentifier()
  column: string;

  /**
   * Comparison operator.
   * @example in
   */
  @IsIn(CRITERION_OPERATORS, { message: `op must be one of: ${CRITERION_OPERATORS.join(', ')}` })
  op: CriterionOperator;

  @ApiProperty({
    ...CRITERION_VALUE_PROPERTY,
    description:
      'The value compared with, bound as a parameter: a string, number or boolean; a non-empty list for ' +
      '`in`/`not in`; omitted for `is null`/`is not null`. Checked against the operator when saved.',
  })
  @Allow()
  value?: string | number | boolean | Array<string | number> | null;
}

export class UpsertPolicyDto {
  /**
   * Source table to archive; must exist and have a primary key. Spelled exactly as in the database.
   * @example orders
   */
  @IsString()
  @IsSqlIdentifier()
  tableName: string;

  /**
   * A DATE, DATETIME or TIMESTAMP column of that table. Rows whose date is NULL are never archived.
   * @example created_at
   */
  @IsString()
  @IsSqlIdentifier()
  dateColumn: string;

  /** Rows whose dateColumn is older than this many days move to the archive. */
  @IntegerField({ min: 1, max: MAX_DAYS }, { example: 365 })
  archiveAfterDays: number;

  /** Archived rows whose dateColumn is older than this many days are purged; must exceed archiveAfterDays. */
  @IntegerField({ min: 2, max: MAX_DAYS }, { example: 730 })
  deleteAfterDays: number;

  /** Extra conditions, ANDed with the date cutoff. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CRITERIA)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];

  /** Rows per batch (default, and with null: ARCHIVE_BATCH_SIZE). */
  @IntegerField(RUN_OPTION_RANGES.batchSize, { optional: true, nullable: true, example: 1000 })
  batchSize?: number | null;

  /**
   * Whether the scheduled jobs include this policy.
   * @example true
   */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /**
   * Pause between batches while a replica of the source lags more than this many seconds (0–86400),
   * or cannot be read (default: MAX_REPLICA_LAG_SECONDS; replicas are listed in SOURCE_REPLICA_URLS).
   */
  @IntegerField(RUN_OPTION_RANGES.maxReplicaLagSeconds, { optional: true, nullable: true, example: 30 })
  maxReplicaLagSeconds?: number | null;

  /** Pause between batches while the source's Threads_running exceeds this (0 = no such check; default: MAX_THREADS_RUNNING). */
  @IntegerField(RUN_OPTION_RANGES.maxThreadsRunning, { optional: true, nullable: true, example: 0 })
  maxThreadsRunning?: number | null;

  /**
   * Archive and purge only inside this daily window, UTC, `HH:MM-HH:MM` (may cross midnight); outside it a run stops cleanly (default: RUN_WINDOW).
   * @example 01:00-05:00
   */
  @IsOptional()
  @IsString()
  @Matches(RUN_WINDOW_PATTERN, { message: 'runWindow must look like 01:00-05:00 (HH:MM-HH:MM, UTC)' })
  runWindow?: string | null;

  /**
   * The connection whose table this is (default `source`, the built-in SOURCE_DB_URL). A policy is
   * unique per (sourceConnection, tableName): posting the same pair again updates it.
   * @example source
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: `sourceConnection: ${CONNECTION_NAME_RULE}` })
  sourceConnection?: string;

  /**
   * The connection archived rows go to (default: the policy's current one, else `archive`, the
   * built-in ARCHIVE_DB_URL). Must use the same engine as the source connection.
   * @example archive
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: `archiveConnection: ${CONNECTION_NAME_RULE}` })
  archiveConnection?: string;
}
