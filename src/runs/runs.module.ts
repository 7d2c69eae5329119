import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { JobRun } from './entities/job-run.entity';
import { PolicyRunController } from './policy-run.controller';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

/** The runs API (GET /runs) and manual runs (POST /policies/{tableName}/run). */
@Module({
  imports: [TypeOrmModule.forFeature([JobRun], CONTROL_DB), JobRunnerModule],
  controllers: [RunsController, PolicyRunController],
  providers: [RunsService],
})
export class RunsModule {}
