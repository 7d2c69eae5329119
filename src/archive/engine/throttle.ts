import { SqlClient } from '../../database/sql-client';
import { RunWindow } from './run-window';

/** Why a run waits between batches. */
export type PauseReason = 'replica-lag' | 'threads-running';

/** What the throttle says before a batch. */
export type ThrottleVerdict =
  | { readonly action: 'go'; readonly warnings: readonly string[] }
  | {
      readonly action: 'pause';
      readonly reason: PauseReason;
      readonly message: string;
      readonly warnings: readonly string[];
    }
  | { readonly action: 'stop'; readonly message: string };

/** Checked between batches (never inside one): whether the next batch may start now. */
export interface BatchThrottle {
  check(now: Date): Promise<ThrottleVerdict>;
}

/** A replica to watch, as the throttle reads it. */
export interface ReplicaProbe {
  /** Where it is, for messages (host:port, never a password). */
  readonly name: string;
  /** Its replication status rows (one per channel; none: not a replica), or throws when unreachable. */
  status(): Promise<Array<Record<string, unknown>>>;
}

export interface ThrottleSettings {
  /** Pause while any replica is more than this many seconds behind (or unreadable, or stopped). */
  readonly maxReplicaLagSeconds?: number;
  /** Pause while the source's `Threads_running` exceeds this; unset or 0: no such check. */
  readonly maxThreadsRunning?: number;
  /** Batches only inside this daily UTC window; outside it the run stops cleanly. */
  readonly runWindow?: RunWindow | null;
}

/**
 * pt-archiver's rules, checked at most once a second and shared by every lane of a run:
 * - outside the run window → stop;
 * - a replica more than maxReplicaLagSeconds behind, or one that cannot be read, is not a replica
 *   or has its SQL thread stopped, counts as lagging (with a warning for the run) → pause;
 * - the source's Threads_running above maxThreadsRunning → pause.
 */
export class ServerThrottle implements BatchThrottle {
  private last: { at: number; verdict: Promise<ThrottleVerdict> } | null = null;

  constructor(
    private readonly source: SqlClient,
    private readonly replicas: readonly ReplicaProbe[],
    private readonly settings: ThrottleSettings,
    /** How often the servers are asked at most; verdicts in between are the last one. */
    private readonly intervalMs = 1000,
  ) {}

  /** Whether any check is configured at all (no throttle otherwise). */
  get active(): boolean {
    return Boolean(this.settings.runWindow) || this.watchesReplicas || Boolean(this.settings.maxThreadsRunning);
  }

  check(now: Date): Promise<ThrottleVerdict> {
    if (!this.last || now.getTime() - this.last.at >= this.intervalMs) {
      this.last = { at: now.getTime(), verdict: this.ask(now) };
    }
    return this.last.verdict;
  }

  private get watchesReplicas(): boolean {
    return this.replicas.length > 0 && this.settings.maxReplicaLagSeconds !== undefined;
  }

  private async ask(now: Date): Promise<ThrottleVerdict> {
    const window = this.settings.runWindow;
    if (window && !window.contains(now)) {
      return { action: 'stop', message: `window closed (runWindow ${window.text} UTC)` };
    }
    const warnings: string[] = [];
    if (this.watchesReplicas) {
      const lag = await this.replicaLag(warnings);
      if (lag) {
        return { action: 'pause', reason: 'replica-lag', message: lag, warnings };
      }
    }
    const maxThreads = this.settings.maxThreadsRunning;
    if (maxThreads) {
      const running = await this.threadsRunning();
      if (running > maxThreads) {
        return {
          action: 'pause',
          reason: 'threads-running',
          message: `source Threads_running ${running} > ${maxThreads}`,
          warnings,
        };
      }
    }
    return { action: 'go', warnings };
  }

  /** Why to wait for the replicas (a problem, or the largest lag over the limit), or null. */
  private async replicaLag(warnings: string[]): Promise<string | null> {
    const max = this.settings.maxReplicaLagSeconds as number;
    const reports = await Promise.all(this.replicas.map((replica) => lagOf(replica)));
    const problems = reports.flatMap((report) => (report.problem ? [report.problem] : []));
    warnings.push(...problems);
    if (problems.length > 0) {
      return problems[0];
    }
    const worst = reports.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return worst.seconds > max ? `replica lag ${worst.seconds} s > ${max} s (${worst.name})` : null;
  }

  private async threadsRunning(): Promise<number> {
    const [row] = await this.source.withSession((session) =>
      session.queryArrays("SHOW GLOBAL STATUS LIKE 'Threads_running'"),
    );
    return Number(row?.[1] ?? 0);
  }
}

/** One replica's lag in seconds, or why it counts as lagging. */
async function lagOf(replica: ReplicaProbe): Promise<{ name: string; seconds: number; problem?: string }> {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await replica.status();
  } catch (error) {
    return {
      name: replica.name,
      seconds: 0,
      problem: `replica ${replica.name} cannot be read: ${(error as Error).message}`,
    };
  }
  if (rows.length === 0) {
    return {
      name: replica.name,
      seconds: 0,
      problem: `replica ${replica.name} is not replicating (no replica status)`,
    };
  }
  let seconds = 0;
  for (const row of rows) {
    const sqlRunning = row.Slave_SQL_Running ?? row.Replica_SQL_Running;
    if (sqlRunning !== 'Yes') {
      return { name: replica.name, seconds: 0, problem: `replica ${replica.name} has its SQL thread stopped` };
    }
    const behind = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
    if (behind === null || behind === undefined) {
      return { name: replica.name, seconds: 0, problem: `replica ${replica.name} does not report its lag` };
    }
    seconds = Math.max(seconds, Number(behind));
  }
  return { name: replica.name, seconds };
}
