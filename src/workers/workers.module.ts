import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { QueueCoreModule } from '../queue/queue-core.module';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { JobWorker } from './entities/job-worker.entity';
import { WorkerRegistry } from './worker-registry.service';
import { WorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

/**
 * The worker list: this process's heartbeat in `job_workers`, and GET /api/v1/system/workers.
 * Imported by the HTTP app (a queue worker process imports it too); the CLI does not announce itself.
 */
@Module({
  imports: [TypeOrmModule.forFeature([JobWorker], CONTROL_DB), JobRunnerModule, QueueCoreModule],
  controllers: [WorkersController],
  providers: [WorkerRegistry, WorkersService],
  exports: [WorkerRegistry],
})
export class WorkersModule {}
