import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { JOB_KINDS, JobKind, RUN_STATUSES, RUN_TRIGGERS, RunStatus, RunTrigger } from '../entities/job-run.entity';

export const DEFAULT_RUNS_LIMIT = 50;
export const MAX_RUNS_LIMIT = 1000;
const LIMIT_MESSAGE = `limit must be an integer from 1 to ${MAX_RUNS_LIMIT}`;

/** Filters of GET /runs; each is an exact match. */
export class RunQueryDto {
  /** Only runs of this source table. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  tableName?: string;

  @IsOptional()
  @IsIn(JOB_KINDS, { message: `job must be one of: ${JOB_KINDS.join(', ')}` })
  job?: JobKind;

  @IsOptional()
  @IsIn(RUN_STATUSES, { message: `status must be one of: ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus;

  /** Only runs of policies on this source connection (e.g. `source`, the built-in one). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  connection?: string;

  /** Only runs started this way (an addition to the contract). */
  @IsOptional()
  @IsIn(RUN_TRIGGERS, { message: `trigger must be one of: ${RUN_TRIGGERS.join(', ')}` })
  trigger?: RunTrigger;

  /**
   * How many runs to return, newest first (1–1000, default 50).
   * @example 50
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(MAX_RUNS_LIMIT, { message: LIMIT_MESSAGE })
  limit?: number;
}
