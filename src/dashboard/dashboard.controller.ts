import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { DashboardService } from './dashboard.service';
import { DashboardQueryDto } from './dto/dashboard-query.dto';
import { DashboardDto } from './dto/dashboard.dto';

@ApiTags('dashboard')
@Auth({ roles: ['admin'] })
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOperation({
    summary:
      'Archiving at a glance: every policy with its last run, last success and backlog, and daily totals (admin)',
    description:
      "Read from the control database (policies, runs) and from the metrics module's last backlog sample " +
      '(METRICS_BACKLOG_INTERVAL_SECONDS; nothing is counted on the source per request). `daily` has one entry ' +
      'per UTC day of the last `days`, today included, over the runs started that day that were neither dry ' +
      'runs nor skipped: rows archived and purged, runs, failed runs, mean and longest duration of those ended.',
  })
  @ApiOkResponse({ type: DashboardDto, description: 'Policies and daily totals' })
  @ApiErrorResponse(400, 'days is not an integer from 1 to 366', ['days must be an integer from 1 to 366'])
  get(@Query() query: DashboardQueryDto): Promise<DashboardDto> {
    return this.dashboard.dashboard(query.days);
  }
}
