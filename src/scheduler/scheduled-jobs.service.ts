import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PolicyService } from '../policy/policy.service';
import { JobKind, JobRun } from '../runs/entities/job-run.entity';
import { JobRunner } from './job-runner.service';
import { policyLabelOf } from './job-request';

/** What one scheduler tick does: run one job on every enabled policy, JOB_CONCURRENCY at a time. */
@Injectable()
export class ScheduledJobs {
  private readonly logger = new Logger(ScheduledJobs.name);
  private readonly concurrency: number;

  constructor(
    private readonly policies: PolicyService,
    private readonly runner: JobRunner,
    config: AppConfig,
  ) {
    this.concurrency = config.jobs.concurrency;
  }

  /**
   * Runs `job` on each enabled policy, taken in table order by JOB_CONCURRENCY lanes at once, and
   * returns the runs in that order. Never throws: a policy that fails (or cannot even start) is
   * logged and recorded, and the others run anyway — a connection that is down fails its own
   * policies, each with a message naming it, and no other.
   */
  async runAll(job: JobKind): Promise<JobRun[]> {
    if (!this.runner.acceptingJobs) {
      return [];
    }
    // Every instance's scheduler fires on the same tick; the tick's time lets the second one see
    // that a policy already ran for it (the execution skips it then).
    const tickAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    let policies: Array<{ tableName: string; sourceConnection: string }>;
    try {
      policies = await this.policies.listEnabled();
    } catch (error) {
      this.logger.error(`Scheduled ${job} job could not list the enabled policies: ${(error as Error).message}`);
      return [];
    }
    const runs: Array<JobRun | undefined> = new Array(policies.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < policies.length) {
        const index = next++;
        const { tableName, sourceConnection } = policies[index];
        const label = policyLabelOf({ tableName, sourceConnection });
        if (!this.runner.acceptingJobs) {
          this.logger.log(`Scheduled ${job} job stopped before "${label}": the service is shutting down`);
          return;
        }
        try {
          runs[index] = await this.runner.runToCompletion({
            tableName,
            sourceConnection,
            job,
            trigger: 'schedule',
            tickAt,
          });
        } catch (error) {
          // e.g. the policy was deleted since the list was read; the run itself records its own failures.
          this.logger.error(`Scheduled ${job} of "${label}" did not start: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, policies.length) }, lane));
    return runs.filter((run): run is JobRun => run !== undefined);
  }
}
