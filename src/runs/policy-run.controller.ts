import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ConnectionErrorFilter } from '../connections/connection-error.filter';
import { ApiSourceConnectionQuery, SourceConnection } from '../connections/source-connection-query';
import { RunStartedDto } from './dto/run-started.dto';
import { StartRunDto } from './dto/start-run.dto';
import { RunsService } from './runs.service';

/** Manual runs, beside the policy routes (same path prefix, owned by the runs feature). */
@ApiTags('policies')
@UseFilters(ConnectionErrorFilter)
@Controller('policies')
export class PolicyRunController {
  constructor(private readonly runs: RunsService) {}

  @Post(':tableName/run')
  @Auth({ roles: ['admin'] })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Run a table's archive or purge job now, in the background (admin)",
    description: 'Poll GET /api/v1/runs/{runId} for progress and the outcome.',
  })
  @ApiSourceConnectionQuery()
  @ApiAcceptedResponse({ type: RunStartedDto, description: 'The run has started' })
  @ApiBadRequestResponse({ description: 'Unknown job or malformed option' })
  @ApiNotFoundResponse({ description: 'No policy for this table' })
  @ApiConflictResponse({
    description:
      'The same job already runs on this table (the message names that run); the attempt is recorded as skipped',
  })
  @ApiServiceUnavailableResponse({ description: 'The service is shutting down' })
  start(
    @Param('tableName') tableName: string,
    @SourceConnection() connection: string | undefined,
    @Body() body: StartRunDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<RunStartedDto> {
    return this.runs.startManual(tableName, connection, body, caller);
  }
}
