import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator';
import { ConnectionsHealthIndicator } from './connections-health.indicator';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { QueueHealthIndicator } from './queue-health.indicator';

/** Probes for orchestrators: unauthenticated, unprefixed (see app.setup.ts), not request-logged. */
@ApiTags('health')
@Public()
@ApiErrorResponse(
  415,
  'The request came with a body that is not JSON (probes take none)',
  'Unsupported Content-Type "text/plain": send the body as application/json',
)
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly databases: DatabaseHealthIndicator,
    private readonly connections: ConnectionsHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process serves HTTP (touches no database)',
    description: 'For restarts: a database outage does not fail it. Not request-logged.',
  })
  liveness(): Promise<HealthCheckResult> {
    // Deliberately no database check: a database outage must not get a healthy process restarted.
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: control, source and archive databases answer (and the job queue, in queue mode); 503 names those that do not',
    description:
      'For traffic: each database is pinged with a 2.5 s timeout. Not request-logged. Stored connections ' +
      'are reported under `connections` (`byName`, and how many are `down`) without deciding readiness: ' +
      'each serves only its own policies. With JOB_EXECUTION=queue the job queue (Redis) is checked too, ' +
      'as `queue`: without it no job can be admitted.',
  })
  async readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      ...this.databases.pingChecks(),
      ...this.queue.checks(),
      ...(await this.connections.checks()),
    ]);
  }
}
