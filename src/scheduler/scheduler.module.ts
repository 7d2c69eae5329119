import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { PolicyModule } from '../policy/policy.module';
import { QueueCoreModule } from '../queue/queue-core.module';
import { JobRunnerModule } from './job-runner.module';
import { ScheduledJobs } from './scheduled-jobs.service';
import { SchedulerController } from './scheduler.controller';
import { SchedulerService } from './scheduler.service';

/**
 * Cron jobs of the HTTP service and the system scheduler endpoints. Only the HTTP app imports this
 * module: the CLI imports JobRunnerModule and never registers cron jobs.
 */
@Module({
  imports: [ScheduleModule.forRoot(), JobRunnerModule, PolicyModule, QueueCoreModule],
  controllers: [SchedulerController],
  providers: [SchedulerService, ScheduledJobs],
  exports: [ScheduledJobs],
})
export class SchedulerModule {}
