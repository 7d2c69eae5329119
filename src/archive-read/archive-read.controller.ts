import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { TableNameParams } from '../common/table-name-params.dto';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ArchiveCatalogService } from './archive-catalog.service';
import { ArchiveExportService } from './archive-export.service';
import { ArchiveReadService } from './archive-read.service';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveConnectionDto, ArchiveQueryDto } from './dto/archive-query.dto';
import { ArchiveColumnsDto, ArchiveTableDto } from './dto/archive-table.dto';
import { ArchiveExportQueryDto } from './dto/archive-export-query.dto';
import { HttpExportSink } from './http-export-sink';
import { ApiColumnFilterQueries } from './dto/column-filter-queries';

@ApiTags('archives')
@Controller('archives')
export class ArchiveReadController {
  constructor(
    private readonly reader: ArchiveReadService,
    private readonly catalog: ArchiveCatalogService,
    private readonly exporter: ArchiveExportService,
  ) {}

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'The archive tables the caller may read (any signed-in user)',
    description:
      "One entry per policy: admins see every policy's table, a user those their token permits (`orders`, or " +
      "`connection/orders` for one connection). `primaryKey` is the archive table's key (the order rows come in), " +
      'read from each archive connection once; a connection that cannot be reached leaves its tables with ' +
      '`archived: null`.',
  })
  @ApiOkResponse({ type: [ArchiveTableDto], description: 'The readable archive tables, by name' })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ArchiveTableDto[]> {
    return this.catalog.list(user);
  }

  @Get(':tableName/columns')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: 'The columns of an archive table and the filters each takes (admins, and users permitted for the table)',
    description:
      'Read from the live archive table: names, types as the database declares them, nullability, and which ' +
      'of `filter[column]=` (`eq`) and `prefix[column]=` (`prefix`) the read and the export accept on each.',
  })
  @ApiOkResponse({ type: ArchiveColumnsDto, description: 'The archive table and its columns' })
  @ApiErrorResponse(
    400,
    'Bad connection name, or the table is archived from several connections and none is named',
    'table "orders" is archived from several connections (shop_eu, shop_us): add ?connection= to say which',
  )
  @ApiErrorResponse(404, 'The table has no archive', 'table "orders" has no archive')
  @ApiErrorResponse(
    503,
    'The archive connection cannot be reached now',
    'archive connection "archive" is unavailable: connection refused (ECONNREFUSED) (POST /api/v1/connections/archive/test says what fails)',
  )
  columns(@Param() { tableName }: TableNameParams, @Query() query: ArchiveConnectionDto): Promise<ArchiveColumnsDto> {
    return this.catalog.columns(tableName, query.connection);
  }

  @Get(':tableName/export')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary:
      'Export the archived rows a read selects, as one CSV or JSON-lines file (admins, and users permitted for the table)',
    description:
      'The rows `GET /archives/{tableName}` would page through with the same `from`, `to`, `filter`, `prefix` and ' +
      '`connection`, in primary-key order, streamed as a download (`Content-Disposition: attachment`), at most ' +
      'EXPORT_MAX_ROWS rows (header `X-Export-Max-Rows`; a selection with more is cut there: narrow it, e.g. by ' +
      '`from`/`to`). Values are those of the read: BIGINT and DECIMAL as digits, binary as base64, DATETIME as ISO ' +
      '8601 UTC with its stored fraction, JSON as its stored text. CSV: RFC 4180, a header line, CRLF, NULL as an ' +
      'empty field and an empty string as `""`. Each export is one audit entry (`archive.export`) with its filters ' +
      'and the rows written. A failure after the first row ends the transfer without its last chunk.',
  })
  @ApiColumnFilterQueries()
  @ApiOkResponse({
    description: 'The file, streamed',
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example: 'id,status,amount,created_at\r\n9007199254740993,delivered,19.90,2024-03-01T10:00:00.123456Z\r\n',
      },
      'application/x-ndjson': {
        schema: { type: 'string' },
        example:
          '{"id":"9007199254740993","status":"delivered","amount":"19.90","created_at":"2024-03-01T10:00:00.123456Z"}\n',
      },
    },
  })
  @ApiErrorResponse(
    400,
    'Bad format, from, to or filter (a column not in the table, not indexed, or a value its type cannot hold); ' +
      'or the table is archived from several connections and none is named',
    ['format must be one of: csv, jsonl'],
  )
  @ApiErrorResponse(404, 'The table has no archive', 'table "orders" has no archive')
  @ApiErrorResponse(
    503,
    'The archive connection cannot be reached now',
    'archive connection "archive" is unavailable: connection refused (ECONNREFUSED) (POST /api/v1/connections/archive/test says what fails)',
  )
  export(
    @Param() { tableName }: TableNameParams,
    @Query() query: ArchiveExportQueryDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    return this.exporter.export(tableName, query, user, new HttpExportSink(response));
  }

  @Get(':tableName')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: 'Read archived rows of a table, a page at a time (admins, and users permitted for the table)',
    description:
      'Rows in primary-key order; pass `nextCursor` as `cursor` for the next page. `from`/`to` filter on the ' +
      "policy's date column. Each read is audited. Where tables of that name are archived from several " +
      'source connections, `?connection=` says which; a user may then also be permitted by a ' +
      '`connection/table` permission. `filter[column]=value` (equality) and `prefix[column]=value` ' +
      '(starts-with) select rows by indexed columns; pagination works with them as without.',
  })
  @ApiColumnFilterQueries()
  @ApiOkResponse({ type: ArchivePageDto, description: 'One page of rows' })
  @ApiErrorResponse(
    400,
    'Bad limit, cursor, from, to or filter (a column not in the table, not indexed, or a value its type cannot ' +
      'hold); or the table is archived from several connections and none is named',
    ['filter[nosuch]: the archive of "orders" has no column "nosuch"'],
  )
  @ApiErrorResponse(404, 'The table has no archive', 'table "orders" has no archive')
  @ApiErrorResponse(
    503,
    'The archive connection cannot be reached now',
    'archive connection "archive" is unavailable: connection refused (ECONNREFUSED) (POST /api/v1/connections/archive/test says what fails)',
  )
  page(
    @Param() { tableName }: TableNameParams,
    @Query() query: ArchiveQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ArchivePageDto> {
    return this.reader.page(tableName, query, user);
  }
}
