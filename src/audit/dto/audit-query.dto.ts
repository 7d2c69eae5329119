import { IsOptional, IsString, Length } from 'class-validator';
import { IntegerQueryParam } from '../../common/integer-fields';

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

  /**
   * Only entries about this connection (e.g. `source`, or a stored connection's name).
   * @example source
   */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  connection?: string;

  /** How many entries to return, newest first (default 100). */
  @IntegerQueryParam({ min: 1, max: MAX_AUDIT_LIMIT }, { example: 100 })
  limit?: number;
}
