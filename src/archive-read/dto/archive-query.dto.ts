import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../../connections/connection-names';

export const DEFAULT_ARCHIVE_PAGE = 100;
export const MAX_ARCHIVE_PAGE = 1000;

export class ArchiveQueryDto {
  /** Rows per page, 1–1000 (default 100). */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be an integer from 1 to ${MAX_ARCHIVE_PAGE}` })
  @Min(1, { message: `limit must be an integer from 1 to ${MAX_ARCHIVE_PAGE}` })
  @Max(MAX_ARCHIVE_PAGE, { message: `limit must be an integer from 1 to ${MAX_ARCHIVE_PAGE}` })
  limit?: number;

  /** `nextCursor` of the previous page; omit for the first page. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  cursor?: string;

  /** Only rows whose date column (the policy's dateColumn) is at or after this ISO 8601 instant (UTC). */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date, e.g. 2024-01-01 or 2024-01-01T00:00:00Z' })
  from?: string;

  /** Only rows whose date column is before this ISO 8601 instant (UTC); `to` itself is excluded. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date, e.g. 2024-02-01 or 2024-02-01T00:00:00Z' })
  to?: string;

  /**
   * The source connection the table was archived from, when tables of that name are archived from
   * several. Without it: the policy on the built-in `source`, else the table's only policy.
   * @example shop_eu
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: CONNECTION_NAME_RULE })
  connection?: string;
}
