import { BUILT_IN_SOURCE } from '../connections/connection-names';
import { JOB_KINDS, JobKind, RUN_TRIGGERS, RunTrigger } from '../runs/entities/job-run.entity';

/** Tuning of one run; anything left out falls back to the policy, then to the service configuration. */
export interface JobOptions {
  /** Stop cleanly after the batch during which the run has lasted this long. */
  maxRuntimeMs?: number;
  /** Pause between batches, to leave room for production traffic. */
  sleepBetweenBatchesMs?: number;
  /** Rows per batch (default: the policy's batchSize, then ARCHIVE_BATCH_SIZE). */
  batchSize?: number;
  /** Adapt batches toward this transaction time, starting from the batch size (default: ARCHIVE_BATCH_TARGET_MS; 0 = off). */
  targetBatchMs?: number;
  /** Key ranges worked at once, each on its own connections (default: ARCHIVE_LANES). */
  lanes?: number;
  /** Pause while a replica lags more than this (default: the policy's, then MAX_REPLICA_LAG_SECONDS). */
  maxReplicaLagSeconds?: number;
  /** Pause while the source's Threads_running exceeds this, 0 = off (default: the policy's, then MAX_THREADS_RUNNING). */
  maxThreadsRunning?: number;
  /** Batches only inside this daily UTC window, `HH:MM-HH:MM` (default: the policy's, then RUN_WINDOW). */
  runWindow?: string;
}

/**
 * Everything that describes a job. Small and serializable on purpose: this is what a queue will
 * carry to a worker elsewhere; the policy, data sources and lease are rebuilt from it and the
 * control database.
 */
export interface JobRequest {
  /** The source table whose policy to run. */
  tableName: string;
  /** The policy's source connection (default `source`, the built-in one). */
  sourceConnection?: string;
  job: JobKind;
  trigger: RunTrigger;
  /** Username for API and CLI runs; the schedule leaves it out. */
  requestedBy?: string;
  /** Count what would happen, change nothing. */
  dryRun?: boolean;
  options?: JobOptions;
  /**
   * Scheduled runs: the tick they belong to (ISO 8601, whole seconds). Every instance's scheduler
   * fires on the same tick; a policy that already ran for it is skipped by the others.
   */
  tickAt?: string;
}

/**
 * Name of the lease that keeps a (job, policy) pair to one run at a time: `archive:orders` for the
 * built-in source connection (as before connections existed, so that processes of both versions
 * exclude each other during an upgrade), `archive:shop_eu/orders` for another. At most 7 + 1 + 32
 * + 1 + 64 = 105 characters: connection names have at most 32.
 */
export function leaseNameOf(request: Pick<JobRequest, 'job' | 'tableName' | 'sourceConnection'>): string {
  return `${request.job}:${policyLabelOf(request)}`;
}

/** `orders` on the built-in source connection, `shop_eu/orders` on another: how runs name their policy. */
export function policyLabelOf(request: Pick<JobRequest, 'tableName' | 'sourceConnection'>): string {
  const connection = request.sourceConnection ?? BUILT_IN_SOURCE;
  return connection === BUILT_IN_SOURCE ? request.tableName : `${connection}/${request.tableName}`;
}

/**
 * A JobRequest read back from where it was stored (the run record, a queue): only its known
 * fields, each of its type; null when it is not one (a record written by something else).
 */
export function parseJobRequest(value: unknown): JobRequest | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const stored = value as Record<string, unknown>;
  const text = (field: string): string | undefined => (typeof stored[field] === 'string' ? stored[field] : undefined);
  const job = JOB_KINDS.find((kind) => kind === stored.job);
  const trigger = RUN_TRIGGERS.find((kind) => kind === stored.trigger);
  const tableName = text('tableName');
  if (!job || !trigger || !tableName) {
    return null;
  }
  const options: JobOptions = {};
  if (typeof stored.options === 'object' && stored.options !== null) {
    const given = stored.options as Record<string, unknown>;
    for (const field of NUMERIC_OPTIONS) {
      if (typeof given[field] === 'number' && Number.isFinite(given[field])) {
        options[field] = given[field];
      }
    }
    if (typeof given.runWindow === 'string') {
      options.runWindow = given.runWindow;
    }
  }
  return {
    tableName,
    sourceConnection: text('sourceConnection'),
    job,
    trigger,
    requestedBy: text('requestedBy'),
    dryRun: stored.dryRun === true,
    options,
    tickAt: text('tickAt'),
  };
}

const NUMERIC_OPTIONS = [
  'maxRuntimeMs',
  'sleepBetweenBatchesMs',
  'batchSize',
  'targetBatchMs',
  'lanes',
  'maxReplicaLagSeconds',
  'maxThreadsRunning',
] as const satisfies ReadonlyArray<keyof JobOptions>;
