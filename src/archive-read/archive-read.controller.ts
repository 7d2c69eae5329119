import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ArchiveReadService } from './archive-read.service';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveQueryDto } from './dto/archive-query.dto';

@ApiTags('archives')
@Controller('archives')
export class ArchiveReadController {
  constructor(private readonly reader: ArchiveReadService) {}

  @Get(':tableName')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: 'Read archived rows of a table, a page at a time (admins, and users permitted for the table)',
  })
  @ApiOkResponse({ type: ArchivePageDto })
  @ApiBadRequestResponse({ description: 'Bad limit, cursor, from or to' })
  @ApiNotFoundResponse({ description: 'The table has no archive' })
  page(
    @Param('tableName') tableName: string,
    @Query() query: ArchiveQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ArchivePageDto> {
    return this.reader.page(tableName, query, user);
  }
}
