import { ApiHideProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IntegerQueryParam } from '../../common/integer-fields';
import { IsIsoDateOrInstant } from '../../common/iso-instant';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../../connections/connection-names';
import { ColumnValuesQueryParam } from './column-values';

export const DEFAULT_ARCHIVE_PAGE = 100;
export const MAX_ARCHIVE_PAGE = 1000;

const INSTANT_RULE = 'must be a date (2024-01-01, midnight UTC) or a date-time with a zone (2024-01-01T10:00:00Z)';

/** Which policy's archive: what every {tableName} route of /archives takes. */
export class ArchiveConnectionDto {
  /**
   * The source connection the table was archived from, when tables of that name are archived from
   * several. Without it: the policy on the built-in `source`, else the table's only policy.
   * @example shop_eu
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: CONNECTION_NAME_RULE })
  connection?: string;
}

/** Which archived rows: date range, column filters, connection. What a read and an export share. */
export class ArchiveSelectionDto extends ArchiveConnectionDto {
  /**
   * Only rows whose date column (the policy's dateColumn) is at or after this instant: a date
   * (midnight UTC) or a date-time with a zone (`Z` or `+02:00`, the `+` written as `%2B` in a URL).
   * @example 2024-01-01
   */
  @IsOptional()
  @IsIsoDateOrInstant({ message: `from ${INSTANT_RULE}` })
  from?: string;

  /**
   * Only rows whose date column is before this instant (`to` itself is excluded); same spellings as `from`.
   * @example 2024-02-01T00:00:00Z
   */
  @IsOptional()
  @IsIsoDateOrInstant({ message: `to ${INSTANT_RULE}` })
  to?: string;

  /** `filter[column]=value`: rows whose column equals the value (documented on the routes). */
  // Hidden here in so many words: the Swagger plugin reads decorators by name (ApiColumnFilterQueries documents it).
  @ApiHideProperty()
  @ColumnValuesQueryParam('filter')
  filter?: Map<string, string>;

  /** `prefix[column]=value`: rows whose string column starts with the value (documented on the routes). */
  @ApiHideProperty()
  @ColumnValuesQueryParam('prefix')
  prefix?: Map<string, string>;
}

export class ArchiveQueryDto extends ArchiveSelectionDto {
  /** Rows per page (default 100). */
  @IntegerQueryParam({ min: 1, max: MAX_ARCHIVE_PAGE }, { example: 100 })
  limit?: number;

  /**
   * `nextCursor` of the previous page; omit for the first page.
   * @example WzEwMDBd
   */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  cursor?: string;
}
