import { SqlClient } from '../../database/sql-client';
import { BatchLoopOptions, BatchLoopResult, MAX_BATCH_BYTES } from './batch-loop';
import { BatchProgress, PauseLog, StopReason } from './engine.types';
import type { PauseReason } from './throttle';
import { KeyColumns } from './key-columns';
import { SqlFragment } from './row-selection';

/**
 * Most lanes one run works at once. Each lane holds its own connections (a copy lane two source
 * sessions and an archive session) from pools of eight, and the servers have a few cores at most.
 */
export const MAX_LANES = 4;

/**
 * A part of the key space one lane works through, batch after batch: the keys after `after` (null:
 * from the first key) up to and including `upTo` (null: to the last key, also keys that did not
 * exist when the lanes were planned). The lanes of a run are disjoint and cover every key.
 */
export interface KeyLane {
  after: unknown[] | null;
  upTo: unknown[] | null;
}

export const WHOLE_KEY_SPACE: readonly KeyLane[] = [{ after: null, upTo: null }];

/**
 * The smallest and largest key of the rows a job selects. No index hint: the server picks the
 * cheaper of scanning the date index's qualifying range and scanning the key, so finding the edges
 * costs at most what reading the qualifying rows once would.
 */
export function keyEdgesQuery(key: KeyColumns, table: string, selection: SqlFragment): SqlFragment {
  const [column] = key.quoted;
  return {
    sql: `SELECT MIN(${column}), MAX(${column}) FROM ${table} WHERE ${selection.sql}`,
    params: selection.params,
  };
}

/**
 * Cuts the key range of the rows a job selects into `wanted` lanes of equal width, so that several
 * sessions can move batches at once without touching each other's rows: every batch still is one
 * short transaction with the whole protocol, the lanes only never share a key. Only a single-column
 * integer key on MySQL/MariaDB can be cut (SQLite has one writer per file); anything else, or a
 * range too small to cut, is one lane.
 */
export async function planLanes(
  client: SqlClient,
  key: KeyColumns,
  wanted: number,
  table: string,
  selection: SqlFragment,
): Promise<readonly KeyLane[]> {
  if (wanted <= 1 || !key.integerKey || client.dialect.engine !== 'mysql') {
    return WHOLE_KEY_SPACE;
  }
  const edges = keyEdgesQuery(key, table, selection);
  const [[first, last]] = await client.withSession((session) => session.queryArrays(edges.sql, edges.params));
  if (first === null || last === null) {
    return WHOLE_KEY_SPACE;
  }
  // An integer key arrives as a number, or as a string when it is a BIGINT.
  return cutKeyRange(BigInt(first as number | string), BigInt(last as number | string), Math.min(wanted, MAX_LANES));
}

/** `count` lanes of (nearly) equal width over the keys first..last; the outer lanes stay open-ended. */
export function cutKeyRange(first: bigint, last: bigint, count: number): KeyLane[] {
  const width = last - first + 1n;
  const lanes = BigInt(Math.max(1, Math.min(count, Number(width < 1n ? 1n : width))));
  const bounds: bigint[] = [];
  for (let i = 1n; i < lanes; i++) {
    bounds.push(first - 1n + (width * i) / lanes);
  }
  return [null, ...bounds].map((after, i) => ({
    after: after === null ? null : [after],
    upTo: i < bounds.length ? [bounds[i]] : null,
  }));
}

/** The job's selection restricted to a lane's upper bound (its lower bound is where its batches start). */
export function withinLane(selection: SqlFragment, key: KeyColumns, lane: KeyLane): SqlFragment {
  if (!lane.upTo) {
    return selection;
  }
  return { sql: `${selection.sql} AND ${key.upTo()}`, params: [...selection.params, ...key.upToParams(lane.upTo)] };
}

/** What each lane's batch loop gets besides the run's own options. */
export type LaneLoopOptions = Pick<BatchLoopOptions, 'startAfter' | 'signal' | 'onBatch' | 'maxBatchBytes'>;

/**
 * The lanes share one throttle and pause together: the run's pause time per reason is the longest
 * any lane waited, not their sum.
 */
function mergePauses(results: readonly BatchLoopResult[]): PauseLog {
  const merged: PauseLog = {};
  for (const result of results) {
    for (const [reason, log] of Object.entries(result.pauses ?? {}) as Array<
      [PauseReason, { count: number; seconds: number }]
    >) {
      const current = merged[reason];
      merged[reason] = {
        count: Math.max(current?.count ?? 0, log.count),
        seconds: Math.max(current?.seconds ?? 0, log.seconds),
      };
    }
  }
  return merged;
}

const STOP_PRECEDENCE: StopReason[] = ['aborted', 'window-closed', 'max-runtime', 'completed'];

/**
 * Runs one batch loop per lane at once and adds up what they did. Progress is reported as run
 * totals, one report at a time. When a lane fails the others are stopped after their current batch
 * (committed or rolled back, as always) and the first failure is thrown: nothing is left half done.
 */
export async function runLanes(
  lanes: readonly KeyLane[],
  options: Pick<BatchLoopOptions, 'signal' | 'onBatch'>,
  runLane: (lane: KeyLane, laneOptions: LaneLoopOptions) => Promise<BatchLoopResult>,
): Promise<BatchLoopResult> {
  if (lanes.length === 1) {
    return runLane(lanes[0], { startAfter: lanes[0].after, signal: options.signal, onBatch: options.onBatch });
  }
  const stop = new AbortController();
  const forwardAbort = () => stop.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const done = lanes.map(() => ({ rows: 0, batches: 0 }));
  let reported: Promise<void> = Promise.resolve();
  const report = (lane: number, progress: BatchProgress): Promise<void> => {
    done[lane] = { rows: progress.rows, batches: progress.batches };
    const totals = {
      rows: done.reduce((sum, lane) => sum + lane.rows, 0),
      batches: done.reduce((sum, lane) => sum + lane.batches, 0),
      lastKey: progress.lastKey,
      batch: progress.batch,
    };
    reported = reported.then(() => options.onBatch?.(totals));
    return reported;
  };
  try {
    const outcomes = await Promise.allSettled(
      lanes.map((lane, i) =>
        runLane(lane, {
          startAfter: lane.after,
          signal: stop.signal,
          maxBatchBytes: Math.floor(MAX_BATCH_BYTES / lanes.length),
          onBatch: (progress) => report(i, progress),
        }).catch((error: unknown) => {
          stop.abort();
          throw error;
        }),
      ),
    );
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) {
      throw failure.reason;
    }
    const results = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<BatchLoopResult>).value);
    const stopReason =
      STOP_PRECEDENCE.find((reason) => results.some((result) => result.stopReason === reason)) ?? 'completed';
    const warnings = [...new Set(results.flatMap((result) => result.warnings ?? []))];
    const pauses = mergePauses(results);
    const stopMessage = results.find((result) => result.stopReason === stopReason && result.stopMessage)?.stopMessage;
    return {
      rows: results.reduce((sum, result) => sum + result.rows, 0),
      batches: results.reduce((sum, result) => sum + result.batches, 0),
      lastKey: results.reduce<unknown[] | null>((last, result) => result.lastKey ?? last, null),
      stopReason,
      ...(stopMessage ? { stopMessage } : {}),
      ...(Object.keys(pauses).length > 0 ? { pauses } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}
