import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
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
  @ApiOperation({
    summary: 'List job runs, newest first (admin)',
    description: 'Scheduled, API and CLI runs, skipped attempts included; every filter is an exact match.',
  })
  @ApiOkResponse({ type: [RunDto], description: 'The runs' })
  @ApiErrorResponse(400, 'A filter or the limit is malformed', ['limit must be an integer from 1 to 1000'])
  list(@Query() query: RunQueryDto): Promise<RunDto[]> {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read one run; its row counts grow while it runs (admin)',
    description: 'Poll it until `status` is no longer `running`; `details` says how the run went.',
  })
  @ApiOkResponse({ type: RunDto, description: 'The run' })
  @ApiErrorResponse(400, 'The id is not a positive integer', ['id must be a positive integer'])
  @ApiErrorResponse(404, 'No run with this id', 'no run with id 42')
  get(@Param() params: RunIdParams): Promise<RunDto> {
    return this.runs.get(Number(params.id));
  }
}
