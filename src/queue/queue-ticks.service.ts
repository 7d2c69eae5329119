import { Injectable, Logger } from '@nestjs/common';
import { PolicyService } from '../policy/policy.service';
import { ShuttingDownError } from '../scheduler/execution/job-errors';
import { QueueUnavailableError } from './queue-errors';
import { JobKind } from '../runs/entities/job-run.entity';
import { JobRunner } from '../scheduler/job-runner.service';
import { policyLabelOf } from '../scheduler/job-request';

/**
 * A scheduled tick in queue mode: the worker that takes the tick's job admits one run per enabled
 * policy, each enqueued as its own job, so that the tick's policies spread over every worker.
 */
@Injectable()
export class QueueTicks {
  private readonly logger = new Logger(QueueTicks.name);

  constructor(
    private readonly policies: PolicyService,
    private readonly runner: JobRunner,
  ) {}

  /**
   * Admits `job` on every enabled policy for the tick at `tickAt`; returns how many were enqueued.
   * A tick taken twice (its first worker died half-way) admits again: the runs of policies that
   * already ran for the tick are then recorded `skipped` ("already ran for the tick"), not run twice.
   * @throws when the enabled policies cannot be read, the queue cannot be reached or this process
   *   shuts down (the tick's job is then tried again)
   */
  async admit(job: JobKind, tickAt: string): Promise<number> {
    const policies = await this.policies.listEnabled();
    let admitted = 0;
    for (const { tableName, sourceConnection } of policies) {
      try {
        await this.runner.start({ tableName, sourceConnection, job, trigger: 'schedule', tickAt });
        admitted++;
      } catch (error) {
        if (error instanceof ShuttingDownError || error instanceof QueueUnavailableError) {
          // The tick's job is tried again (by another worker): the policies admitted so far are then
          // recorded skipped for this tick, the others admitted.
          throw error;
        }
        // Already running (recorded as skipped), deleted since the list was read…
        const label = policyLabelOf({ tableName, sourceConnection });
        this.logger.warn(
          `Scheduled ${job} of "${label}" for the tick of ${tickAt} not enqueued: ${(error as Error).message}`,
        );
      }
    }
    this.logger.log(`Tick of ${tickAt}: ${admitted} of ${policies.length} ${job} run(s) enqueued`);
    return admitted;
  }
}
