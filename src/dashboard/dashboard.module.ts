import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { MetricsModule } from '../metrics/metrics.module';
import { PolicyModule } from '../policy/policy.module';
import { JobRun } from '../runs/entities/job-run.entity';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

/** GET /dashboard: what an admin console shows about archiving (HTTP app only). */
@Module({
  imports: [TypeOrmModule.forFeature([JobRun], CONTROL_DB), PolicyModule, MetricsModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}
