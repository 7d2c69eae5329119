import { setTimeout as sleep } from 'node:timers/promises';
import { BatchProgress, MAX_BATCH_SIZE, PauseLog, StopReason } from './engine.types';
import { BatchThrottle, PauseReason, ThrottleVerdict } from './throttle';
import { LockContentionError, isTransientLockError } from './engine-errors';
import { reportableKey } from './reportable-key';

export interface BatchStep {
  /** Rows handled by the batch (may be 0 when every row of it was blocked). */
  rows: number;
  /** Key of the last row the batch looked at: the next batch starts after it. */
  lastKey: unknown[];
  /** Approximate bytes of row data the batch held in this process (transfers through the process). */
  bytes?: number;
}

/**
 * Row data one batch of a run may hold in this process. Batches that travel through the process are
 * cut to fit, whatever the batch size or the tuning asks: the copy path holds up to three batches
 * (the one committing, the one written behind it, the one read ahead), and a JavaScript copy of a
 * row takes a few times its raw size. A run with lanes shares it: each lane gets its part
 * (`maxBatchBytes`), so lanes do not multiply the memory a run takes.
 */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface BatchLoopOptions {
  batchSize: number;
  /**
   * Rows for the first batch when its rows travel through this process and their size is not known
   * yet: later batches are sized from what the first one weighed (see MAX_BATCH_BYTES).
   */
  firstBatchCap?: number;
  /** This loop's share of MAX_BATCH_BYTES (a lane's); default all of it. */
  maxBatchBytes?: number;
  targetBatchMs?: number;
  /** Key the first batch starts after (a lane's lower bound); none: from the first key. */
  startAfter?: unknown[] | null;
  sleepBetweenBatchesMs?: number;
  maxRuntimeMs?: number;
  signal?: AbortSignal;
  onBatch?: (progress: BatchProgress) => Promise<void> | void;
  /** The table the batches come from, for messages. */
  table?: string;
  /** Called with the last committed batch's key as this process holds it (not made reportable): where a new attempt resumes. */
  onResumePoint?: (lastKey: unknown[] | null) => void;
  /** Checked before each batch: pause (nothing held) or stop (see EngineRunOptions.throttle). */
  throttle?: BatchThrottle;
  onPause?: (pause: { reason: PauseReason; message: string } | null) => void;
}

export interface BatchLoopResult {
  rows: number;
  batches: number;
  lastKey: unknown[] | null;
  stopReason: StopReason;
  /** Why the loop stopped early, in words (a closed run window). */
  stopMessage?: string;
  /** Time spent paused between batches, by reason. */
  pauses?: PauseLog;
  /** What the throttle warned about (a replica it could not read…), each once. */
  warnings?: string[];
}

/** Batches the loop takes from a job's batch maker. */
export interface BatchSource {
  /** The next batch after `after` (null: from the first key), done and committed; null when none is left. */
  next(after: unknown[] | null, limit: number): Promise<BatchStep | null>;
  /**
   * Called once when the loop ends, however it ends: settles batches still in flight and returns
   * the rows of any that committed but were not returned yet, so that the run counts them.
   */
  finish?(): Promise<BatchStep | null>;
}

/** Attempts of one batch that loses lock races (deadlock, lock wait timeout, busy file) before the run fails. */
export const BATCH_ATTEMPTS = 4;
const RETRY_BASE_DELAY_MS = 250;

/**
 * The one loop every job runs: a batch, progress, then the checks that decide whether another
 * batch may start (abort, max runtime, throttling pause). Checks between batches belong here
 * (replica lag or server load throttling later), never inside a batch.
 */
export async function runBatchLoop(source: BatchSource, options: BatchLoopOptions): Promise<BatchLoopResult> {
  const started = Date.now();
  let rows = 0;
  let batches = 0;
  let lastKey: unknown[] | null = options.startAfter ?? null;
  /** `resumable`: every qualifying row up to the batch's last key has moved, so a new attempt may start after it. */
  const count = async (step: BatchStep, seconds = 0, resumable = true) => {
    rows += step.rows;
    batches += 1;
    lastKey = step.lastKey;
    if (resumable) {
      options.onResumePoint?.(lastKey);
    }
    const batch = { rows: step.rows, seconds, ...(step.bytes === undefined ? {} : { bytes: step.bytes }) };
    await options.onBatch?.({ rows, batches, lastKey: reportableKey(lastKey), batch });
  };
  const settle = async () => {
    const committed = await source.finish?.();
    if (committed) {
      await count(committed);
    }
  };
  const pauses: PauseLog = {};
  const warnings = new Set<string>();
  const end = async (stopReason: StopReason, stopMessage?: string): Promise<BatchLoopResult> => {
    await settle();
    return {
      rows,
      batches,
      lastKey,
      stopReason,
      ...(stopMessage ? { stopMessage } : {}),
      ...(Object.keys(pauses).length > 0 ? { pauses } : {}),
      ...(warnings.size > 0 ? { warnings: [...warnings] } : {}),
    };
  };
  const outOfTime = () => options.maxRuntimeMs !== undefined && Date.now() - started >= options.maxRuntimeMs;
  // `wanted` follows the batch size and the tuning; the memory cap, once known, bounds what is asked.
  let wanted = options.batchSize;
  let memoryCap = options.firstBatchCap ?? Number.POSITIVE_INFINITY;
  try {
    for (;;) {
      const limit = Math.min(wanted, memoryCap);
      if (options.signal?.aborted) {
        return await end('aborted');
      }
      if (outOfTime()) {
        return await end('max-runtime');
      }
      if (options.throttle) {
        const verdict = await waitForThrottle(options.throttle, options, settle, pauses, warnings, outOfTime);
        if (verdict.action === 'stop') {
          return await end('window-closed', verdict.message);
        }
        if (verdict.action === 'pause') {
          // Stopped (or out of time) while paused: the checks above end the loop.
          continue;
        }
      }
      const after: unknown[] | null = lastKey;
      const batchStarted = performance.now();
      const result: BatchStep | null = await withTransientRetries(() => source.next(after, limit), after, options);
      if (result === null) {
        return await end('completed');
      }
      const batchMs = performance.now() - batchStarted;
      if (options.targetBatchMs) {
        wanted = tunedBatchSize(limit, batchMs, options.targetBatchMs);
      }
      if (result.bytes && result.rows > 0) {
        memoryCap = Math.max(1, Math.floor((options.maxBatchBytes ?? MAX_BATCH_BYTES) / (result.bytes / result.rows)));
      }
      await count(result, batchMs / 1000);
      if (options.sleepBetweenBatchesMs) {
        await sleep(options.sleepBetweenBatchesMs, undefined, { signal: options.signal }).catch(() => undefined);
      }
    }
  } catch (error) {
    // Rows that committed before the failure stay counted on the failed run. A batch behind the
    // failed one may have committed: counted, but a new attempt must still start before the failed one.
    const committed = await source.finish?.().catch(() => null);
    if (committed) {
      await Promise.resolve(count(committed, 0, false)).catch(() => undefined);
    }
    throw error;
  }
}

/** How often a paused run asks its throttle again. */
const PAUSE_POLL_MS = 1000;

/**
 * Before a batch: asks the throttle, and while it says pause, first settles the batches in flight
 * (they commit or roll back: a paused run holds no lock and no open transaction), then waits and
 * asks again each second. Returns the verdict that ended the wait: go, stop, or still pause when
 * the run was stopped or ran out of time meanwhile.
 */
async function waitForThrottle(
  throttle: BatchThrottle,
  options: Pick<BatchLoopOptions, 'signal' | 'onPause'>,
  settle: () => Promise<void>,
  pauses: PauseLog,
  warnings: Set<string>,
  outOfTime: () => boolean,
): Promise<ThrottleVerdict> {
  let verdict = await throttle.check(new Date());
  if (verdict.action === 'go') {
    verdict.warnings.forEach((warning) => warnings.add(warning));
  }
  if (verdict.action !== 'pause') {
    return verdict;
  }
  await settle();
  let said: string | null = null;
  while (verdict.action === 'pause') {
    verdict.warnings.forEach((warning) => warnings.add(warning));
    const { reason } = verdict;
    if (verdict.message !== said) {
      said = verdict.message;
      options.onPause?.({ reason, message: verdict.message });
    }
    const pausedAt = Date.now();
    await sleep(PAUSE_POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
    const log = (pauses[reason] ??= { count: 0, seconds: 0 });
    log.seconds = Math.round((log.seconds + (Date.now() - pausedAt) / 1000) * 1000) / 1000;
    if (options.signal?.aborted || outOfTime()) {
      log.count += 1;
      break;
    }
    const next = await throttle.check(new Date());
    if (next.action !== 'pause' || next.reason !== reason) {
      log.count += 1;
    }
    verdict = next;
  }
  options.onPause?.(null);
  return verdict;
}

/**
 * A batch that lost a lock race (deadlock, lock wait timeout, busy file) was rolled back whole:
 * try it again after a growing pause, a bounded number of times, then fail naming what blocked it.
 */
async function withTransientRetries<T>(
  work: () => Promise<T>,
  after: unknown[] | null,
  options: Pick<BatchLoopOptions, 'table' | 'signal'>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientLockError(error)) {
        throw error;
      }
      if (attempt >= BATCH_ATTEMPTS || options.signal?.aborted) {
        throw new LockContentionError(options.table ?? 'the table', after, attempt, error);
      }
      await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
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
