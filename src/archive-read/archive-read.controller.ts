import { Controller, Get, Param, Query, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ConnectionErrorFilter } from '../connections/connection-error.filter';
import { ArchiveReadService } from './archive-read.service';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveQueryDto } from './dto/archive-query.dto';

@ApiTags('archives')
@UseFilters(ConnectionErrorFilter)
@Controller('archives')
export class ArchiveReadController {
  constructor(private readonly reader: ArchiveReadService) {}

  @Get(':tableName')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: 'Read archived rows of a table, a page at a time (admins, and users permitted for the table)',
    description:
      'Where tables of that name are archived from several source connections, `?connection=` says which; ' +
      'a user may then also be permitted by a `connection/table` permission.',
  })
  @ApiOkResponse({ type: ArchivePageDto })
  @ApiBadRequestResponse({
    description: 'Bad limit, cursor, from or to; or the table is archived from several connections and none is named',
  })
  @ApiNotFoundResponse({ description: 'The table has no archive' })
  @ApiServiceUnavailableResponse({ description: 'The archive connection cannot be reached now' })
  page(
    @Param('tableName') tableName: string,
    @Query() query: ArchiveQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ArchivePageDto> {
    return this.reader.page(tableName, query, user);
  }
}
