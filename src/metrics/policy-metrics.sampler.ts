import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { Policy } from '../policy/entities/policy.entity';
import { PolicyService } from '../policy/policy.service';
import { ArchiveBacklog } from './backlog/archive-backlog';
import { DasMetrics } from './das-metrics';
import { LastSuccesses } from './last-successes';
import { jobTableLabels, tableLabels } from './metric-labels';

/** Name of the sampling timer in Nest's SchedulerRegistry (cleared with every other timer at shutdown). */
export const SAMPLE_INTERVAL_NAME = 'metrics-policy-sample';

/**
 * What the metrics know per policy from the databases rather than from this process's runs: which
 * policies are enabled (their series), when each job last succeeded on each (seeded at start, so it
 * survives restarts and counts runs of the CLI and of other instances), and the archive backlog.
 * Read at start, then every METRICS_BACKLOG_INTERVAL_SECONDS on a timer of its own — whatever
 * SCHEDULER_ENABLED says, since a DBA wants to see the backlog grow most when nothing archives it.
 * One sample at a time: a tick that finds the last one still running is skipped.
 */
@Injectable()
export class PolicyMetricsSampler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PolicyMetricsSampler.name);
  /** Aborted at shutdown: the statement of a sample in progress is killed rather than waited for. */
  private readonly shutdown = new AbortController();
  private sampling: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly policies: PolicyService,
    private readonly lastSuccesses: LastSuccesses,
    private readonly backlog: ArchiveBacklog,
    private readonly metrics: DasMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.metrics.enabled) {
      return;
    }
    // Awaited: the first scrape after start already shows the last successes.
    await this.refreshPolicies();
    const seconds = this.config.metrics.backlogIntervalSeconds;
    if (seconds > 0) {
      this.registry.addInterval(
        SAMPLE_INTERVAL_NAME,
        setInterval(() => void this.sample(), seconds * 1000),
      );
      void this.sample();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.sampling;
  }

  /** One sample of every enabled policy, unless one is still running. Never rejects. */
  sample(): Promise<void> {
    if (this.sampling || this.shutdown.signal.aborted) {
      return this.sampling ?? Promise.resolve();
    }
    this.sampling = this.sampleAll().finally(() => (this.sampling = null));
    return this.sampling;
  }

  private async sampleAll(): Promise<void> {
    const policies = await this.refreshPolicies();
    for (const policy of policies) {
      if (this.shutdown.signal.aborted) {
        return;
      }
      await this.backlog.sample(policy, this.shutdown.signal);
    }
  }

  /** The enabled policies, with their series and last successes brought up to date; [] when unreadable. */
  private async refreshPolicies(): Promise<Policy[]> {
    let policies: Policy[];
    try {
      policies = await this.policies.listEnabled();
    } catch (error) {
      this.logger.warn(`Could not read the policies for the metrics: ${(error as Error).message}`);
      return [];
    }
    const tables = policies.map((policy) => tableLabels(policy));
    this.metrics.retainTables(tables);
    tables.forEach((labels) => this.metrics.trackTable(labels));
    try {
      const runs = await this.lastSuccesses.latest(policies.map((policy) => policy.tableName));
      for (const run of runs) {
        if (run.finishedAt) {
          this.metrics.recordSuccess(jobTableLabels(run), run.finishedAt);
        }
      }
    } catch (error) {
      this.logger.warn(`Could not read the last successful runs for the metrics: ${(error as Error).message}`);
    }
    return policies;
  }
}
