import type { Criterion } from '../../policy/criteria';
import { SqlClient } from '../../database/sql-client';
import type { BatchThrottle, PauseReason } from './throttle';

/** Largest batch the engines take, whatever a policy or the batch tuning asks for (as in the contract). */
export const MAX_BATCH_SIZE = 50_000;

/** What an engine needs to know about a policy (the Policy entity satisfies it). */
export interface PolicySpec {
  tableName: string;
  dateColumn: string;
  archiveAfterDays: number;
  deleteAfterDays: number;
  criteria: Criterion[];
}

/** Progress after each committed batch. */
export interface BatchProgress {
  /** Rows moved (archive) or deleted (purge) so far in this run. */
  rows: number;
  batches: number;
  /** Primary key of the last row handled, in key-column order. */
  lastKey: unknown[] | null;
  /** The batch just committed: its rows, its wall time, and the bytes of row data it held in this process. */
  batch?: { rows: number; seconds: number; bytes?: number };
}

/** How a run's loop ended: all done, asked to stop, out of time, or outside its run window. */
export type StopReason = 'completed' | 'aborted' | 'max-runtime' | 'window-closed';

/** Time a run spent paused between batches, by reason. */
export type PauseLog = Partial<Record<PauseReason, { count: number; seconds: number }>>;

/** Options common to both engines. Engines read no config: everything arrives here. */
export interface EngineRunOptions {
  policy: PolicySpec;
  source: SqlClient;
  archive: SqlClient;
  /** Recorded in the archive's `archive_run_id`. */
  runId: number;
  batchSize: number;
  /** Count and report what would happen, change nothing. */
  dryRun?: boolean;
  /**
   * Adapt the batch size toward this transaction time (ms): start at `batchSize`, then at most double
   * or halve it per batch, up to MAX_BATCH_SIZE. Unset: every batch has `batchSize` rows.
   */
  targetBatchMs?: number;
  /**
   * Key ranges worked at once, each by its own session(s) with the whole protocol per batch (see
   * key-lanes.ts): faster, at the price of that many times the load. Default 1. Only a single-column
   * integer key on MySQL/MariaDB is cut; anything else runs as one lane.
   */
  lanes?: number;
  /** Pause between batches, to leave room for production traffic. */
  sleepBetweenBatchesMs?: number;
  /** Stop (after the current batch) once the run has lasted this long. */
  maxRuntimeMs?: number;
  /** Abort: the current batch finishes (or rolls back), then the run stops cleanly. */
  signal?: AbortSignal;
  /**
   * Terminate: what is in flight is rolled back now — the run's sessions are killed on the server
   * and closed — and the run fails with the error that produces (shutdown deadline, stalled run).
   */
  terminate?: AbortSignal;
  /**
   * Checked before each batch, at most once a second: replica lag and server load pause the run
   * (holding no lock and no open transaction), a closed run window stops it.
   */
  throttle?: BatchThrottle;
  /** Called when the run pauses (with why) and when it resumes (null). */
  onPause?: (pause: { reason: PauseReason; message: string } | null) => void;
  /** Awaited after each committed batch: progress records and lease renewal happen here. */
  onBatch?: (progress: BatchProgress) => Promise<void> | void;
  /** The run's "now"; cutoffs are computed from it once per run. Defaults to the current time. */
  now?: Date;
}

export interface EngineRunResult {
  rows: number;
  batches: number;
  stopReason: StopReason;
  /** Why the run stopped early, in words (a closed run window). */
  stopMessage?: string;
  dryRun: boolean;
  /** Facts for the run record: cutoff, key used, rows expected, blocked keys, timings… */
  details: Record<string, unknown>;
  /**
   * Set when the run went through but left work undone for a reason a DBA must act on (rows a
   * foreign key still references): the run is recorded as failed with this message.
   */
  problem: string | null;
}
