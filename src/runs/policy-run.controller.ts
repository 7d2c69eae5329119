import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { TableNameParams } from '../common/table-name-params.dto';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ApiSourceConnectionQuery, SourceConnection } from '../connections/source-connection-query';
import { RunStartedDto } from './dto/run-started.dto';
import { StartRunDto } from './dto/start-run.dto';
import { RunsService } from './runs.service';

/** Manual runs, beside the policy routes (same path prefix, owned by the runs feature). */
@ApiTags('policies')
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
  @ApiErrorResponse(400, 'Unknown job or malformed option', ['job must be one of: archive, purge'])
  @ApiErrorResponse(404, 'No policy for this table', 'no policy for table "orders"')
  @ApiErrorResponse(
    409,
    'The same job already runs on this table (the message names that run); the attempt is recorded as skipped',
    'archive of "orders" is already running: run 41 holds its lease',
  )
  @ApiErrorResponse(
    503,
    "The service is shutting down, or one of the policy's connections cannot be reached now",
    'The service is shutting down; no new run starts',
  )
  start(
    @Param() { tableName }: TableNameParams,
    @SourceConnection() connection: string | undefined,
    @Body() body: StartRunDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<RunStartedDto> {
    return this.runs.startManual(tableName, connection, body, caller);
  }
}
