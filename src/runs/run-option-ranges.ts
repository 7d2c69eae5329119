import { MAX_LANES } from '../archive/engine/key-lanes';

/**
 * What a run's tuning options accept, the same through the API (POST /policies/{tableName}/run)
 * and the CLI (archive:run, purge:run).
 */
export const RUN_OPTION_RANGES = {
  batchSize: { min: 1, max: 50_000 },
  /** Up to an hour: a pause holds no lock (the next batch is not read ahead), only the job's lease. */
  sleepBetweenBatchesMs: { min: 0, max: 3_600_000 },
  targetBatchMs: { min: 0, max: 60_000 },
  lanes: { min: 1, max: MAX_LANES },
  /** Up to a week. */
  maxRuntimeSeconds: { min: 1, max: 7 * 86_400 },
  maxReplicaLagSeconds: { min: 0, max: 86_400 },
  /** 0: no check. */
  maxThreadsRunning: { min: 0, max: 100_000 },
} as const;
