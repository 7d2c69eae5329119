import { Logger } from '@nestjs/common';
import { HeldLease, JobLeaseService } from './job-lease.service';

/**
 * Why a run was stopped from outside the engine; the abort signal carries it as its reason. `outcome`
 * is how the run is recorded: `stopped` when stopping was asked for and nothing went wrong (the
 * service shuts down), `cancelled` when an admin cancelled it, `failed` when something went wrong
 * (its lease was lost, it stalled).
 */
export class RunStop extends Error {
  constructor(
    message: string,
    readonly outcome: 'stopped' | 'cancelled' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'RunStop';
  }
}

/** Renewals per TTL on the heartbeat: two can fail (a slow control database) before the lease lapses. */
const HEARTBEATS_PER_TTL = 3;

/**
 * Keeps one run's lease alive: renews it on a heartbeat timer (a slow batch must not lose it) and
 * when asked after a batch, and stops the run through `stop` as soon as the lease turns out to be
 * someone else's, or would lapse because the control database cannot be reached.
 */
export class LeaseKeeper {
  private readonly logger = new Logger(LeaseKeeper.name);
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | null = null;
  private lost = false;
  private readonly interval: number;

  constructor(
    private readonly leases: JobLeaseService,
    private readonly lease: HeldLease,
    private readonly stop: (reason: RunStop) => void,
  ) {
    this.interval = Math.max(100, Math.floor(this.leases.ttlMs / HEARTBEATS_PER_TTL));
  }

  startHeartbeat(): void {
    this.timer = setInterval(() => void this.renew(), this.interval);
    // Never the reason a process stays alive.
    this.timer.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.timer);
  }

  /** Renews now (one renewal at a time; a caller arriving during one shares it). Never throws. */
  renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    if (this.lost) {
      return;
    }
    try {
      if (!(await this.leases.renew(this.lease))) {
        this.fail(`it lost its lease ${this.lease.name} (it expired and another process took it over)`);
      }
    } catch (error) {
      const message = (error as Error).message;
      // Stop while the lease is still ours: once it lapses another process may start the same job.
      if (this.lease.expiresAt.getTime() - Date.now() <= this.interval) {
        this.fail(`it could not renew its lease ${this.lease.name}: ${message}`);
      } else {
        this.logger.warn(`Could not renew the lease ${this.lease.name}, will retry: ${message}`);
      }
    }
  }

  private fail(message: string): void {
    this.lost = true;
    this.stopHeartbeat();
    this.logger.error(`Stopping run ${this.lease.runId}: ${message}`);
    this.stop(new RunStop(message));
  }
}
