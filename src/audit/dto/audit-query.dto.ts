import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

export class AuditQueryDto {
  /** Only entries by this actor (a username, or `system`, `cli`, `anonymous`). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  actor?: string;

  /** Only entries with this action, e.g. `user.role`. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  action?: string;

  /** Only entries about this source table. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  tableName?: string;

  /** Only entries about this connection (e.g. `source`, or a stored connection's name). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  connection?: string;

  /**
   * How many entries to return, newest first (1–1000, default 100).
   * @example 100
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}` })
  @Min(1, { message: `limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}` })
  @Max(MAX_AUDIT_LIMIT, { message: `limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}` })
  limit?: number;
}
