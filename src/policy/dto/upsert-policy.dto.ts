import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { RUN_WINDOW_PATTERN } from '../../archive/engine/run-window';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../../connections/connection-names';
import { CRITERION_OPERATORS, type CriterionOperator } from '../criteria';

export class CriterionDto {
  /** A column of the source table. */
  @IsString()
  @Length(1, 64)
  column: string;

  /** Comparison operator. */
  @IsIn(CRITERION_OPERATORS, { message: `op must be one of: ${CRITERION_OPERATORS.join(', ')}` })
  op: CriterionOperator;

  /**
   * The value compared with, bound as a parameter: a string, number or boolean; a non-empty list for
   * `in`/`not in`; omitted for `is null`/`is not null`. Checked against the operator when saved.
   */
  @Allow()
  value?: string | number | boolean | Array<string | number> | null;
}

export class UpsertPolicyDto {
  /** Source table to archive; must exist and have a primary key. Spelled exactly as in the database. */
  @IsString()
  @Length(1, 64)
  tableName: string;

  /** A DATE, DATETIME or TIMESTAMP column of that table. Rows whose date is NULL are never archived. */
  @IsString()
  @Length(1, 64)
  dateColumn: string;

  /** Rows whose dateColumn is older than this many days move to the archive. */
  @IsInt()
  @Min(1)
  @Max(36500)
  archiveAfterDays: number;

  /** Archived rows whose dateColumn is older than this many days are purged; must exceed archiveAfterDays. */
  @IsInt()
  @Min(2)
  @Max(36500)
  deleteAfterDays: number;

  /** Extra conditions, ANDed with the date cutoff. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];

  /** Rows per batch (default: ARCHIVE_BATCH_SIZE). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50000)
  batchSize?: number | null;

  /** Whether the scheduled jobs include this policy. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /**
   * Pause between batches while a replica of the source lags more than this many seconds (0–86400),
   * or cannot be read (default: MAX_REPLICA_LAG_SECONDS; replicas are listed in SOURCE_REPLICA_URLS).
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  maxReplicaLagSeconds?: number | null;

  /** Pause between batches while the source's Threads_running exceeds this (0 = no such check; default: MAX_THREADS_RUNNING). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxThreadsRunning?: number | null;

  /** Archive and purge only inside this daily window, UTC, `HH:MM-HH:MM` (may cross midnight); outside it a run stops cleanly (default: RUN_WINDOW). */
  @IsOptional()
  @IsString()
  @Matches(RUN_WINDOW_PATTERN, { message: 'runWindow must look like 01:00-05:00 (HH:MM-HH:MM, UTC)' })
  runWindow?: string | null;

  /**
   * The connection whose table this is (default `source`, the built-in SOURCE_DB_URL). A policy is
   * unique per (sourceConnection, tableName): posting the same pair again updates it.
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: `sourceConnection: ${CONNECTION_NAME_RULE}` })
  sourceConnection?: string;

  /**
   * The connection archived rows go to (default: the policy's current one, else `archive`, the
   * built-in ARCHIVE_DB_URL). Must use the same engine as the source connection.
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: `archiveConnection: ${CONNECTION_NAME_RULE}` })
  archiveConnection?: string;
}
