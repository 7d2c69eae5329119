import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
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

  @Post(':id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Cancel a running run, wherever it executes (admin)',
    description:
      'Records the request in the control database; the process executing the run (this one, another ' +
      'instance, a job process or a worker) notices it within a batch, lets the batch in flight finish or ' +
      'roll back, and records the run as `cancelled`. Rows already moved stay moved. Poll GET ' +
      '/api/v1/runs/{id} until `status` is no longer `running`.',
  })
  @ApiAcceptedResponse({ type: RunDto, description: 'The run is asked to stop; `cancelRequestedAt` is set' })
  @ApiErrorResponse(400, 'The id is not a positive integer', ['id must be a positive integer'])
  @ApiErrorResponse(404, 'No run with this id', 'no run with id 42')
  @ApiErrorResponse(409, 'The run has already finished', 'run 42 has already finished (succeeded)')
  cancel(@Param() params: RunIdParams, @CurrentUser() caller: AuthenticatedUser): Promise<RunDto> {
    return this.runs.cancel(Number(params.id), caller);
  }
}
