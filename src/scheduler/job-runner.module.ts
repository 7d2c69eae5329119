import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArchiveModule } from '../archive/archive.module';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { PolicyModule } from '../policy/policy.module';
import { PurgeModule } from '../purge/purge.module';
import { QueueCoreModule } from '../queue/queue-core.module';
import { QueueExecutor } from '../queue/queue-executor';
import { JobRun } from '../runs/entities/job-run.entity';
import { RunEvents } from '../runs/run-events';
import { RunRecorder } from '../runs/run-recorder';
import { JobLease } from './entities/job-lease.entity';
import { InlineExecutor } from './execution/inline-executor';
import { ProcessExecutor } from './execution/process-executor';
import { JOB_EXECUTOR, JobExecutor } from './execution/job-executor';
import { RunExecution } from './execution/run-execution.service';
import { WorkerIdentity } from './execution/worker-identity';
import { JobLeaseService } from './job-lease.service';
import { JobRunner } from './job-runner.service';

/**
 * Admission (JobRunner), execution (RunExecution) and the configured executor between them, without
 * cron registration or controllers: imported by the HTTP app (runs API, scheduler) and by the CLI
 * alike (whose configuration always says `inline`: a CLI command executes its job itself).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([JobRun, JobLease], CONTROL_DB),
    PolicyModule,
    ArchiveModule,
    PurgeModule,
    QueueCoreModule,
  ],
  providers: [
    JobRunner,
    RunExecution,
    JobLeaseService,
    RunRecorder,
    RunEvents,
    InlineExecutor,
    QueueExecutor,
    ProcessExecutor,
    WorkerIdentity,
    {
      provide: JOB_EXECUTOR,
      inject: [AppConfig, InlineExecutor, ProcessExecutor, QueueExecutor],
      useFactory: (
        config: AppConfig,
        inline: InlineExecutor,
        process: ProcessExecutor,
        queue: QueueExecutor,
      ): JobExecutor => {
        switch (config.jobs.execution) {
          case 'inline':
            return inline;
          case 'process':
            return process;
          case 'queue':
            return queue;
        }
      },
    },
  ],
  exports: [
    JobRunner,
    RunExecution,
    RunEvents,
    RunRecorder,
    JobLeaseService,
    WorkerIdentity,
    ProcessExecutor,
    JOB_EXECUTOR,
  ],
})
export class JobRunnerModule {}
