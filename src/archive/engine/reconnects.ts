import { setTimeout as sleep } from 'node:timers/promises';
import { BatchLoopOptions, BatchLoopResult } from './batch-loop';

/**
 * Pauses before each new attempt after a lost connection: about half a minute in all, which covers
 * a server restart or a failover; after the last one the run fails with the connection error.
 */
export const RECONNECT_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

const CONNECTION_FAULT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** Server shutdown, server gone away, lost connection during query, connection killed. */
const CONNECTION_FAULT_ERRNOS = new Set([1053, 2006, 2013, 1927]);

/** Whether an error means the connection (or the server) went away, rather than the statement failing. */
export function isConnectionFault(error: unknown): boolean {
  const e = error as { fatal?: boolean; code?: string; errno?: number } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.fatal === true ||
      (e.code !== undefined && CONNECTION_FAULT_CODES.has(e.code)) ||
      (e.errno !== undefined && CONNECTION_FAULT_ERRNOS.has(e.errno)))
  );
}

/** What each attempt gets: where to start, and the hooks that keep the run's totals across attempts. */
export type AttemptOptions = Pick<BatchLoopOptions, 'startAfter' | 'onBatch' | 'onResumePoint'>;

/**
 * Runs a batch loop (`attempt`, on fresh sessions each time) and, when a connection is lost, starts
 * it again after the last committed batch, a bounded number of times. A lost connection ends the
 * batch in flight with a rollback (the server rolls back a transaction whose connection is gone);
 * whatever committed before stays counted, so the run's totals go on from there. Not when the run
 * was stopped or terminated: then the error is how it ends.
 */
export async function withReconnects(
  attempt: (options: AttemptOptions) => Promise<BatchLoopResult>,
  options: Pick<BatchLoopOptions, 'startAfter' | 'signal' | 'onBatch' | 'table'> & {
    terminate?: AbortSignal;
    delaysMs?: readonly number[];
  },
): Promise<BatchLoopResult> {
  const delays = options.delaysMs ?? RECONNECT_DELAYS_MS;
  let startAfter = options.startAfter ?? null;
  const done = { rows: 0, batches: 0 };
  let sinceStart = { rows: 0, batches: 0 };
  const warnings: string[] = [];
  for (let lost = 0; ; lost++) {
    sinceStart = { rows: 0, batches: 0 };
    try {
      const result = await attempt({
        startAfter,
        onResumePoint: (key) => (startAfter = key),
        onBatch: (progress) => {
          sinceStart = { rows: progress.rows, batches: progress.batches };
          return options.onBatch?.({
            ...progress,
            rows: done.rows + progress.rows,
            batches: done.batches + progress.batches,
          });
        },
      });
      return {
        ...result,
        rows: done.rows + result.rows,
        batches: done.batches + result.batches,
        ...(warnings.length > 0 || result.warnings ? { warnings: [...warnings, ...(result.warnings ?? [])] } : {}),
      };
    } catch (error) {
      const stopped = options.signal?.aborted || options.terminate?.aborted;
      if (!isConnectionFault(error) || stopped || lost >= delays.length) {
        throw error;
      }
      done.rows += sinceStart.rows;
      done.batches += sinceStart.batches;
      warnings.push(
        `lost the connection (${(error as Error).message}); the batch in flight was rolled back, ` +
          `reconnected after ${delays[lost] / 1000} s`,
      );
      await sleep(delays[lost], undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}
