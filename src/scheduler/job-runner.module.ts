import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArchiveModule } from '../archive/archive.module';
import { CONTROL_DB } from '../database/database.constants';
import { PolicyModule } from '../policy/policy.module';
import { PurgeModule } from '../purge/purge.module';
import { JobRun } from '../runs/entities/job-run.entity';
import { RunEvents } from '../runs/run-events';
import { RunRecorder } from '../runs/run-recorder';
import { JobLease } from './entities/job-lease.entity';
import { JobLeaseService } from './job-lease.service';
import { JobRunner } from './job-runner.service';

/**
 * JobRunner and what it needs, without cron registration or controllers: imported by the HTTP
 * app (runs API, scheduler) and by the CLI alike.
 */
@Module({
  imports: [TypeOrmModule.forFeature([JobRun, JobLease], CONTROL_DB), PolicyModule, ArchiveModule, PurgeModule],
  providers: [JobRunner, JobLeaseService, RunRecorder, RunEvents],
  exports: [JobRunner, RunEvents],
})
export class JobRunnerModule {}
