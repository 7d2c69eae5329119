import { setTimeout as sleep } from 'node:timers/promises';
import { BatchProgress, MAX_BATCH_SIZE, StopReason } from './engine.types';
import { isTransientLockError } from './engine-errors';
import { reportableKey } from './reportable-key';

export interface BatchStep {
  /** Rows handled by the batch (may be 0 when every row of it was blocked). */
  rows: number;
  /** Key of the last row the batch looked at: the next batch starts after it. */
  lastKey: unknown[];
}

export interface BatchLoopOptions {
  batchSize: number;
  targetBatchMs?: number;
  sleepBetweenBatchesMs?: number;
  maxRuntimeMs?: number;
  signal?: AbortSignal;
  onBatch?: (progress: BatchProgress) => Promise<void> | void;
}

export interface BatchLoopResult {
  rows: number;
  batches: number;
  lastKey: unknown[] | null;
  stopReason: StopReason;
}

const TRANSIENT_RETRIES = 3;
const RETRY_BASE_DELAY_MS = 250;

/**
 * The one loop every job runs: a batch, progress, then the checks that decide whether another
 * batch may start (abort, max runtime, throttling pause). Checks between batches belong here
 * (replica lag or server load throttling later), never inside a batch.
 */
export async function runBatchLoop(
  step: (after: unknown[] | null, limit: number) => Promise<BatchStep | null>,
  options: BatchLoopOptions,
): Promise<BatchLoopResult> {
  const started = Date.now();
  let rows = 0;
  let batches = 0;
  let lastKey: unknown[] | null = null;
  let limit = options.batchSize;
  for (;;) {
    if (options.signal?.aborted) {
      return { rows, batches, lastKey, stopReason: 'aborted' };
    }
    if (options.maxRuntimeMs !== undefined && Date.now() - started >= options.maxRuntimeMs) {
      return { rows, batches, lastKey, stopReason: 'max-runtime' };
    }
    const after: unknown[] | null = lastKey;
    const batchStarted = performance.now();
    const result: BatchStep | null = await withTransientRetries(() => step(after, limit));
    if (result === null) {
      return { rows, batches, lastKey, stopReason: 'completed' };
    }
    rows += result.rows;
    batches += 1;
    lastKey = result.lastKey;
    if (options.targetBatchMs) {
      limit = tunedBatchSize(limit, performance.now() - batchStarted, options.targetBatchMs);
    }
    await options.onBatch?.({ rows, batches, lastKey: reportableKey(lastKey) });
    if (options.sleepBetweenBatchesMs) {
      await sleep(options.sleepBetweenBatchesMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}

/** A batch that lost a lock race (deadlock, lock wait timeout, busy file) was rolled back: try it again. */
async function withTransientRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientLockError(error) || attempt >= TRANSIENT_RETRIES) {
        throw error;
      }
      await sleep(RETRY_BASE_DELAY_MS * 2 ** attempt);
    }
  }
}

/**
 * The next batch size when batches should last about `targetMs`: proportional to how far the last
 * batch was from the target, but never more than doubling or halving at once (one slow batch, e.g.
 * a lock wait, must not collapse the size) and never above MAX_BATCH_SIZE.
 */
export function tunedBatchSize(current: number, elapsedMs: number, targetMs: number): number {
  const proportional = current * (targetMs / Math.max(elapsedMs, 1));
  const bounded = Math.min(Math.max(proportional, current / 2), current * 2);
  return Math.max(1, Math.min(MAX_BATCH_SIZE, Math.round(bounded)));
}
