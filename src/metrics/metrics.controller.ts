import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators/public.decorator';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { DasMetrics } from './das-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';

/** A few lines of what a scrape answers, for the API documentation. */
const EXPOSITION_EXAMPLE = [
  '# HELP das_rows_archived_total Rows moved from the source to the archive by this process (archive runs).',
  '# TYPE das_rows_archived_total counter',
  'das_rows_archived_total{connection="source",table="orders"} 20000',
  '# HELP das_archive_backlog_rows Rows of each enabled policy older than its archive cutoff still in the source, at the last sample.',
  '# TYPE das_archive_backlog_rows gauge',
  'das_archive_backlog_rows{connection="source",table="orders"} 0',
  '',
].join('\n');

/**
 * Prometheus' scrape target. At the root like the probes (see app.setup.ts), not request-logged
 * (a scrape every few seconds would drown the log), and guarded by MetricsAccessGuard alone.
 */
@ApiTags('metrics')
@Public()
@UseGuards(MetricsAccessGuard)
@Controller()
export class MetricsController {
  constructor(private readonly metrics: DasMetrics) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics: rows, batches, runs, pauses, last successes, archive backlog, process',
    description:
      'The Prometheus text exposition format (version 0.0.4). Allowed with METRICS_TOKEN as the bearer token ' +
      '(for the Prometheus server) or with an admin access token. Counters count the runs of this process; ' +
      'last successes and the archive backlog are read from the databases. Not request-logged.',
  })
  @ApiBearerAuth()
  @ApiOkResponse({
    description: 'The metrics, in Prometheus text format',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXPOSITION_EXAMPLE } },
  })
  @ApiErrorResponse(
    401,
    'No bearer token, or neither METRICS_TOKEN nor a valid access token',
    'Invalid or expired token: send METRICS_TOKEN, or log in again at POST /api/v1/auth/login',
  )
  @ApiErrorResponse(
    403,
    'A valid access token of a user who is not an admin',
    'This action needs the role admin (or METRICS_TOKEN); you are "user"',
  )
  @ApiErrorResponse(
    404,
    'Metrics are turned off (METRICS_ENABLED=false)',
    'Metrics are turned off on this server (METRICS_ENABLED=false)',
  )
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
