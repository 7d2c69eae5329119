import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { Auth } from '../auth/decorators/auth.decorator';
import { DEFAULT_TEST_DELAY_SECONDS, ScheduleTestJobDto, TestJobScheduledDto } from './dto/schedule-test-job.dto';
import { SchedulerJobDto } from './dto/scheduler-job.dto';
import { SchedulerService } from './scheduler.service';

@ApiTags('system')
@Auth({ roles: ['admin'] })
@Controller('system/scheduler')
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('jobs')
  @ApiOperation({
    summary: 'List the scheduled jobs with their next and last run (admin)',
    description:
      'The archival and purge cron jobs are always listed; with SCHEDULER_ENABLED=false they show enabled: false ' +
      'and nextRunAt: null. One-off test jobs are listed until they fire and afterwards with lastRunAt set.',
  })
  @ApiOkResponse({ type: [SchedulerJobDto], description: 'The jobs' })
  jobs(): Promise<SchedulerJobDto[]> {
    return this.scheduler.list();
  }

  @Post('test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Schedule a one-off test job that logs a line when it fires (admin)',
    description: 'Works even with SCHEDULER_ENABLED=false: it checks the timers of this process, not the cron jobs.',
  })
  @ApiAcceptedResponse({ type: TestJobScheduledDto, description: 'The test job is scheduled' })
  @ApiErrorResponse(400, 'delaySeconds is not an integer from 0 to 3600', [
    'delaySeconds must be an integer from 0 to 3600',
  ])
  scheduleTest(@Body() body: ScheduleTestJobDto): TestJobScheduledDto {
    return this.scheduler.scheduleTest(body.delaySeconds ?? DEFAULT_TEST_DELAY_SECONDS);
  }
}
