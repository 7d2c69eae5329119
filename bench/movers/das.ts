import { serverUrl } from '../db';
import { ARCHIVE_URL_ENV, ENGINE_UNAVAILABLE_EXIT_CODE, SOURCE_URL_ENV, WorkerReport } from '../das-worker-protocol';
import { DasRuntime } from './das-runtime';
import { Job, MoveContext, MoveOutcome, Mover, Topology } from './mover';
import { exitError, runProcess } from './process';

/** The transaction time `das-tuned` aims its batches at (ms). */
export const TUNED_BATCH_TARGET_MS = 500;

/** Key ranges `das-lanes` works at once (ARCHIVE_LANES). */
export const BENCH_LANES = 2;

/** How a DAS variant differs from the engine's defaults (bench/das-worker.ts's options). */
export interface DasSettings {
  /** `copy`: through the process even on one server. Default `auto`. */
  transfer?: 'auto' | 'copy';
  /** Adapt batches toward this transaction time (ms); 0 or unset: fixed batches. */
  targetBatchMs?: number;
  /** Key ranges worked at once. Default 1. */
  lanes?: number;
  /** Pause while the server's Threads_running exceeds this (the service's throttle); 0 or unset: never. */
  maxThreadsRunning?: number;
}

/**
 * DAS's own engines (ArchivalEngine / PurgeEngine), each run in a child process (bench/das-worker.ts)
 * so the figure covers the whole process, start-up included, like pt-archiver's, and the peak memory
 * is DAS's alone. DAS creates its archive table itself, as it does in production.
 *
 * `das` runs the engine as configured by default: on one server it moves rows inside the server.
 * `das-copy` forces the path through the process (what two servers always use), to compare that
 * path with pt-archiver on one server too. `das-tuned` starts at the same batch size but lets DAS
 * adapt it toward 0.5 s transactions (ARCHIVE_BATCH_TARGET_MS): the lever beyond a fixed batch size,
 * reported apart from the like-for-like figures. `das-lanes` keeps batches of the same size but works
 * two key ranges at once, each on its own connections (ARCHIVE_LANES=2): twice the load on the
 * servers, so also reported apart. `das-throttled` is `das` with the service's load throttle
 * (maxThreadsRunning): it pauses between batches while the server is busy, for the cost-to-production
 * benchmark (bench/load/).
 */
export class DasMover implements Mover {
  readonly archiveTable = 'absent';
  private readonly transfer: 'auto' | 'copy';

  constructor(
    readonly name: string,
    private readonly runtime: DasRuntime,
    private readonly settings: DasSettings = {},
  ) {
    this.transfer = settings.transfer ?? 'auto';
  }

  notApplicable(job: Job, topology: Topology): string | null {
    if (this.transfer === 'copy' && job === 'purge') {
      return 'purging deletes in place: there is nothing to copy';
    }
    if (this.transfer === 'copy' && topology === 'two') {
      return 'on two servers das always copies: same as das';
    }
    return null;
  }

  async unavailable(): Promise<string | null> {
    const { command, args, cwd, env } = this.runtime;
    const result = await runProcess(command, [...args, '--check'], {
      cwd,
      env: { ...process.env, ...env },
      logFile: '/dev/null',
    });
    if (result.exitCode === 0) {
      return null;
    }
    return result.exitCode === ENGINE_UNAVAILABLE_EXIT_CODE
      ? result.stderr.trim()
      : `the DAS worker does not load: ${exitError(result)}`;
  }

  async move(context: MoveContext): Promise<MoveOutcome> {
    const args = [
      ...this.runtime.args,
      '--job',
      context.job,
      '--table',
      context.table,
      '--date-column',
      context.dateColumn,
      '--cutoff',
      context.cutoff,
      '--days',
      String(context.days),
      '--batch',
      String(context.batchSize),
      '--transfer',
      this.transfer,
      '--target-batch-ms',
      String(this.settings.targetBatchMs ?? 0),
      '--lanes',
      String(this.settings.lanes ?? 1),
      '--max-threads-running',
      String(this.settings.maxThreadsRunning ?? 0),
    ];
    const result = await runProcess(this.runtime.command, args, {
      cwd: this.runtime.cwd,
      env: {
        ...process.env,
        ...this.runtime.env,
        [SOURCE_URL_ENV]: serverUrl(context.source.server, context.source.database),
        [ARCHIVE_URL_ENV]: serverUrl(context.archive.server, context.archive.database),
      },
      logFile: context.logFile,
      logHeader: `node ${args.join(' ')}`,
    });
    if (result.exitCode === ENGINE_UNAVAILABLE_EXIT_CODE) {
      return { seconds: result.seconds, error: result.stderr.trim(), unavailable: true };
    }
    const report = parseReport(result.stdout);
    let error = exitError(result);
    if (!error && !report) {
      error = 'the worker printed no JSON report';
    } else if (!error && report && report.stopReason !== 'completed') {
      error = `the engine stopped early: ${report.stopReason}`;
    } else if (!error && report?.problem) {
      error = `the engine reported a problem: ${report.problem}`;
    }
    return {
      seconds: result.seconds,
      error,
      engineSeconds: report?.seconds,
      batches: report?.batches,
      maxRssKb: report?.maxRssKb,
      transfer: report?.transfer,
      pausedSeconds: report?.pausedSeconds,
      processCpu: report?.cpu,
    };
  }
}

function parseReport(stdout: string): WorkerReport | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as WorkerReport;
    return typeof parsed.rows === 'number' ? parsed : null;
  } catch {
    return null;
  }
}
