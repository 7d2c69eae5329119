/** What bench/das-worker.ts and the harness that spawns it (bench/movers/das.ts) agree on. */
export const ENGINE_UNAVAILABLE_EXIT_CODE = 3;
export const SOURCE_URL_ENV = 'DAS_BENCH_SOURCE_URL';
export const ARCHIVE_URL_ENV = 'DAS_BENCH_ARCHIVE_URL';

/** The one JSON line the worker prints on stdout after a run. */
export interface WorkerReport {
  rows: number;
  batches: number;
  /** Inside the engine's run(), without Node start-up and connecting. */
  seconds: number;
  /** process.resourceUsage().maxRSS of the worker: peak resident set size in KiB. */
  maxRssKb: number;
  stopReason: string;
  /** The engine's own account of rows it could not handle (e.g. blocked by a foreign key). */
  problem: string | null;
  /** How the archival engine moved the rows: `server-side` or `copy`. */
  transfer?: string;
  /** Throttled runs (`--max-threads-running`): how often the run paused, and for how long in all. */
  pauses?: number;
  pausedSeconds?: number;
  /** CPU time of the worker process, user and system, in µs: whole process, and inside run() only. */
  cpu?: { userUs: number; systemUs: number; engineUserUs: number; engineSystemUs: number };
}

/** The engines, loaded by path at run time so the benchmark runs (peers only) before they exist. */
export const ENGINE_MODULES = {
  archive: { path: '../src/archive/archival-engine', exportName: 'ArchivalEngine' },
  purge: { path: '../src/purge/purge-engine', exportName: 'PurgeEngine' },
} as const;
