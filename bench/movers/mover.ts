import { DatabaseRef } from '../db';

export type Job = 'archive' | 'purge';
export type Topology = 'same' | 'two';

/** Everything a mover needs for one timed run; the harness prepares the data and checks the result. */
export interface MoveContext {
  job: Job;
  topology: Topology;
  /** The production side (read by the archive job; untouched by purge). */
  source: DatabaseRef;
  /** Where archived rows go; for the purge job, where the rows to purge live. */
  archive: DatabaseRef;
  table: string;
  dateColumn: string;
  /** Rows with `dateColumn < cutoff` are moved (archive) or deleted (purge). */
  cutoff: string;
  /** The age in days the cutoff was computed from (archiveAfterDays / deleteAfterDays). */
  days: number;
  batchSize: number;
  /** A scratch directory for this benchmark (client option files). */
  workDir: string;
  /** The mover's own output goes here. */
  logFile: string;
}

export interface MoveOutcome {
  /** Wall clock of the mover itself: the whole process for external tools, the CALL for the floor. */
  seconds: number;
  /** Null when the mover reported success (exit code 0). */
  error: string | null;
  /** The mover cannot run here at all (e.g. the DAS engine is not built yet): not a failure. */
  unavailable?: boolean;
  /** Time inside the engine only, when the mover reports it (DAS: without Node start-up). */
  engineSeconds?: number;
  batches?: number;
  /** Peak resident set size of the mover process, in KiB. */
  maxRssKb?: number;
  /** DAS: how the rows travelled (`server-side` or `copy`). */
  transfer?: string;
  /** DAS throttled: seconds spent paused between batches because the server was busy. */
  pausedSeconds?: number;
  /** DAS: CPU time of the worker process (user and system, µs), whole process and inside run(). */
  processCpu?: { userUs: number; systemUs: number; engineUserUs: number; engineSystemUs: number };
}

export interface Mover {
  readonly name: string;
  /**
   * Where the archive job writes: an empty table defined like the source (pt-archiver, the floor),
   * or nothing, because the mover creates its own archive table (DAS).
   */
  readonly archiveTable: 'like-source' | 'absent';
  /** Null when the mover applies to this job and topology; otherwise why not (reported as n/a). */
  notApplicable(job: Job, topology: Topology): string | null;
  /** Null when the mover can run on this machine; otherwise why not (checked once, before the rounds). */
  unavailable(): Promise<string | null>;
  move(context: MoveContext): Promise<MoveOutcome>;
}
