import { BatchLoopResult } from './batch-loop';
import { EngineRunResult } from './engine.types';
import { reportableKey } from './reportable-key';

const DAY_MS = 86_400_000;

/** The instant `days` days before `now`: cutoffs are computed once per run from the run's "now". */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** A dry run's result: what a run would handle, nothing changed. */
export function countedResult(rows: number, batchSize: number, details: Record<string, unknown>): EngineRunResult {
  return {
    rows,
    batches: Math.ceil(rows / batchSize),
    stopReason: 'completed',
    dryRun: true,
    details,
    problem: null,
  };
}

/** A real run's result from its batch loop; `details` gains the last key handled. */
export function loopResult(
  loop: BatchLoopResult,
  details: Record<string, unknown>,
  problem: string | null = null,
): EngineRunResult {
  return {
    rows: loop.rows,
    batches: loop.batches,
    stopReason: loop.stopReason,
    ...(loop.stopMessage ? { stopMessage: loop.stopMessage } : {}),
    dryRun: false,
    details: {
      ...details,
      lastKey: reportableKey(loop.lastKey),
      ...(loop.pauses ? { pauses: loop.pauses } : {}),
      ...(loop.warnings ? { warnings: loop.warnings } : {}),
    },
    problem,
  };
}
