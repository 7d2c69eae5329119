import { Injectable, Logger } from '@nestjs/common';
import { PolicyService } from '../policy/policy.service';
import { JobKind, JobRun } from '../runs/entities/job-run.entity';
import { JobRunner } from './job-runner.service';

/** What one scheduler tick does: run one job on every enabled policy, one after the other. */
@Injectable()
export class ScheduledJobs {
  private readonly logger = new Logger(ScheduledJobs.name);

  constructor(
    private readonly policies: PolicyService,
    private readonly runner: JobRunner,
  ) {}

  /**
   * Runs `job` on each enabled policy in table order and returns the runs. Never throws: a policy
   * that fails (or cannot even start) is logged and recorded, and the next one runs anyway.
   */
  async runAll(job: JobKind): Promise<JobRun[]> {
    if (!this.runner.acceptingJobs) {
      return [];
    }
    // Every instance's scheduler fires on the same tick; the tick's time lets the second one see
    // that a policy already ran for it (JobRunner skips it then).
    const tickAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    let tables: string[];
    try {
      tables = (await this.policies.listEnabled()).map((policy) => policy.tableName);
    } catch (error) {
      this.logger.error(`Scheduled ${job} job could not list the enabled policies: ${(error as Error).message}`);
      return [];
    }
    const runs: JobRun[] = [];
    for (const tableName of tables) {
      if (!this.runner.acceptingJobs) {
        this.logger.log(`Scheduled ${job} job stopped before "${tableName}": the service is shutting down`);
        break;
      }
      try {
        runs.push(await this.runner.runToCompletion({ tableName, job, trigger: 'schedule', tickAt }));
      } catch (error) {
        // e.g. the policy was deleted since the list was read; the run itself records its own failures.
        this.logger.error(`Scheduled ${job} of "${tableName}" did not start: ${(error as Error).message}`);
      }
    }
    return runs;
  }
}
