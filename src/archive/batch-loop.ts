import { setTimeout as sleep } from 'node:timers/promises';
import { BatchProgress, StopReason } from './engine.types';
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
  for (;;) {
    if (options.signal?.aborted) {
      return { rows, batches, lastKey, stopReason: 'aborted' };
    }
    if (options.maxRuntimeMs !== undefined && Date.now() - started >= options.maxRuntimeMs) {
      return { rows, batches, lastKey, stopReason: 'max-runtime' };
    }
    const after: unknown[] | null = lastKey;
    const result: BatchStep | null = await withTransientRetries(() => step(after, options.batchSize));
    if (result === null) {
      return { rows, batches, lastKey, stopReason: 'completed' };
    }
    rows += result.rows;
    batches += 1;
    lastKey = result.lastKey;
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
