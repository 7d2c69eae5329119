import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IntegerQueryParam } from '../../common/integer-fields';
import { JOB_KINDS, JobKind, RUN_STATUSES, RUN_TRIGGERS, RunStatus, RunTrigger } from '../entities/job-run.entity';

export const DEFAULT_RUNS_LIMIT = 50;
export const MAX_RUNS_LIMIT = 1000;

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

  /**
   * Only runs of policies on this source connection (e.g. `source`, the built-in one).
   * @example source
   */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  connection?: string;

  /** Only runs started this way (an addition to the contract). */
  @IsOptional()
  @IsIn(RUN_TRIGGERS, { message: `trigger must be one of: ${RUN_TRIGGERS.join(', ')}` })
  trigger?: RunTrigger;

  /** How many runs to return, newest first (default 50). */
  @IntegerQueryParam({ min: 1, max: MAX_RUNS_LIMIT }, { example: 50 })
  limit?: number;
}
