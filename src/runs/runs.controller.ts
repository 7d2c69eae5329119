import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { RunIdParams } from './dto/run-id-params.dto';
import { RunDto } from './dto/run.dto';
import { RunQueryDto } from './dto/run-query.dto';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Auth({ roles: ['admin'] })
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: 'List job runs, newest first (admin)' })
  @ApiOkResponse({ type: [RunDto] })
  @ApiBadRequestResponse({ description: 'A filter or the limit is malformed' })
  list(@Query() query: RunQueryDto): Promise<RunDto[]> {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one run; its row counts grow while it runs (admin)' })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ description: 'The id is not a positive integer' })
  @ApiNotFoundResponse({ description: 'No run with this id' })
  get(@Param() params: RunIdParams): Promise<RunDto> {
    return this.runs.get(Number(params.id));
  }
}
