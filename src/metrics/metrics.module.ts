import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { ConnectionsModule } from '../connections/connections.module';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { PolicyModule } from '../policy/policy.module';
import { JobRun } from '../runs/entities/job-run.entity';
import { QueueModule } from '../queue/queue.module';
import { JobRunnerModule } from '../scheduler/job-runner.module';
import { ArchiveBacklog } from './backlog/archive-backlog';
import { DasMetrics } from './das-metrics';
import { LastSuccesses } from './last-successes';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { PolicyMetricsSampler } from './policy-metrics.sampler';
import { QueueMetricsListener } from './queue-metrics.listener';
import { RunMetricsListener } from './run-metrics.listener';

/**
 * GET /metrics and what feeds it: the job runner's run events (rows, batches, runs, pauses) and a
 * timer that reads per-policy facts from the databases (last successes, archive backlog). Imported
 * by the HTTP app only: the CLI neither serves metrics nor samples. With METRICS_ENABLED=false
 * nothing listens, samples or collects, and the route answers 404.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([JobRun], CONTROL_DB),
    JobRunnerModule,
    QueueModule,
    PolicyModule,
    AuthModule,
    ConnectionsModule,
  ],
  controllers: [MetricsController],
  providers: [
    {
      provide: DasMetrics,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new DasMetrics({ processMetrics: config.metrics.enabled }),
    },
    RunMetricsListener,
    QueueMetricsListener,
    LastSuccesses,
    ArchiveBacklog,
    PolicyMetricsSampler,
    MetricsAccessGuard,
  ],
  // The dashboard shows the last backlog sample rather than counting again per request, and the
  // same last successes as the metrics.
  exports: [DasMetrics, LastSuccesses],
})
export class MetricsModule {}
