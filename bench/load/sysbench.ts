/**
 * sysbench `oltp_read_write` as the production workload beside an archiver: its own tables
 * (`sbtest1…N` in database `bench_load`) on the source server, prepared once, then one sysbench
 * process per measured window: started before the archiver, warmed up, stopped when it ends.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from 'mysql2/promise';
import { ServerRef, quoteId } from '../db';
import { ProcessResult, StartedProcess, commandVersion, exitError, runProcess, startProcess } from '../movers/process';
import { ProductionLoadOptions } from '../options';
import { SysbenchWindowReport, parseSysbenchWindow } from './sysbench-report';

export const SYSBENCH = process.env.SYSBENCH ?? 'sysbench';

/** Where the workload's tables live on the source server. */
export const LOAD_DATABASE = 'bench_load';

/** Debian's oltp_read_write, stoppable at a moment of the harness's choosing (see the script). */
const WINDOW_SCRIPT = join(__dirname, 'oltp_read_write_window.lua');
const STOP_FILE_ENV = 'DAS_BENCH_LOAD_STOP_FILE';

/**
 * sysbench's own default (deadlock, record changed, lock wait timeout), given explicitly so the log
 * says it: such a transaction is counted as an error and retried. A lost connection is not in it:
 * sysbench 1.0.20 crashes when it reconnects (measured: a killed connection with 2013 in this list
 * segfaults it, with or without prepared statements), so a lost connection ends the run with a
 * FATAL line instead, and the run is reported as failed.
 */
const IGNORED_ERRORS = '1213,1020,1205';

/** sysbench ends on its own after this long (`--time`), should the harness die without stopping it. */
const SAFETY_TIME_LIMIT_SECONDS = 6 * 3600;
/** How long sysbench may take to reach its warm-up checkpoint beyond the warm-up itself. */
const START_GRACE_MS = 60_000;
/** How long sysbench may take to finish its transactions in flight and print its report. */
const STOP_GRACE_MS = 30_000;

/** One measured window: the archiver's run (or the baseline's fixed time), as sysbench saw it. */
export interface LoadWindow extends SysbenchWindowReport {
  /** The window's length by the harness's clock: from the warm-up checkpoint to the stop. */
  seconds: number;
  /** The rate sysbench was asked for, to compare `tps` with. */
  targetTps: number;
}

/** A window's result: the figures, or why there are none (sysbench failed, its output did not parse). */
export type LoadMeasurement = { window: LoadWindow; error?: undefined } | { window?: undefined; error: string };

/** A sysbench process past its warm-up: the window runs until `stop()`. */
export interface LoadSession {
  stop(): Promise<LoadMeasurement>;
}

/** Starts a measured window of production load; the harness's seam for it (tests may pass none). */
export interface ProductionLoad {
  start(logFile: string): Promise<LoadSession>;
}

/** `sysbench 1.0.20` → `1.0.20`; null when it is not installed. */
export function sysbenchVersion(): Promise<string | null> {
  return commandVersion(SYSBENCH);
}

/**
 * sysbench reads its connection settings from a file, so no password shows in the process list.
 * Values are quoted; sysbench's option files know no escapes, so a value holding both quote
 * characters cannot be written.
 */
function configFile(workDir: string, server: ServerRef): string {
  const quote = (value: string) => {
    const mark = value.includes('"') ? "'" : '"';
    if (value.includes(mark)) {
      throw new Error("sysbench's option file cannot hold a value with both ' and \"");
    }
    return `${mark}${value}${mark}`;
  };
  const path = join(workDir, `sysbench-${server.port}.cfg`);
  const settings = {
    'db-driver': 'mysql',
    'mysql-host': server.host,
    'mysql-port': String(server.port),
    'mysql-user': server.user,
    'mysql-password': server.password,
    'mysql-db': LOAD_DATABASE,
  };
  const lines = Object.entries(settings).map(([name, value]) => `${name}=${quote(value)}`);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return path;
}

export class SysbenchLoad implements ProductionLoad {
  private readonly config: string;
  private windows = 0;

  constructor(
    server: ServerRef,
    private readonly options: ProductionLoadOptions,
    private readonly workDir: string,
  ) {
    this.config = configFile(workDir, server);
  }

  private get tableArgs(): string[] {
    return [`--tables=${this.options.tables}`, `--table-size=${this.options.tableSize}`];
  }

  /** Fresh sbtest tables (dropped and created again), before the rounds; returns the seconds it took. */
  async prepare(conn: Connection, logFile: string): Promise<number> {
    const started = performance.now();
    await conn.query(`DROP DATABASE IF EXISTS ${quoteId(LOAD_DATABASE)}`);
    await conn.query(`CREATE DATABASE ${quoteId(LOAD_DATABASE)}`);
    const args = [
      `--config-file=${this.config}`,
      'oltp_read_write',
      ...this.tableArgs,
      `--threads=${Math.min(this.options.tables, 4)}`,
      'prepare',
    ];
    const result = await runProcess(SYSBENCH, args, { logFile, logHeader: `${SYSBENCH} ${args.join(' ')}` });
    const error = exitError(result);
    if (error) {
      throw new Error(`sysbench prepare ${error} (log: ${logFile})`);
    }
    return (performance.now() - started) / 1000;
  }

  /**
   * Starts sysbench at the fixed rate and returns once its warm-up checkpoint has passed: sysbench
   * then resets its counters and histogram, so its final report covers only what follows.
   */
  async start(logFile: string): Promise<LoadSession> {
    const stopFile = join(this.workDir, `sysbench-stop-${++this.windows}`);
    rmSync(stopFile, { force: true });
    const { warmupSeconds } = this.options;
    const args = [
      `--config-file=${this.config}`,
      WINDOW_SCRIPT,
      ...this.tableArgs,
      `--threads=${this.options.threads}`,
      `--rate=${this.options.rate}`,
      `--time=${warmupSeconds + SAFETY_TIME_LIMIT_SECONDS}`,
      `--report-checkpoints=${warmupSeconds}`,
      '--report-interval=1',
      '--histogram=on',
      '--percentile=99',
      `--mysql-ignore-errors=${IGNORED_ERRORS}`,
      'run',
    ];
    let warmedUp: () => void = () => undefined;
    const checkpoint = new Promise<void>((resolve) => (warmedUp = resolve));
    const sysbench = startProcess(SYSBENCH, args, {
      env: { ...process.env, [STOP_FILE_ENV]: stopFile },
      logFile,
      logHeader: `${SYSBENCH} ${args.join(' ')}`,
      onStdoutLine: (line) => {
        if (/^\[ *\d+s \] Checkpoint report:$/.test(line)) {
          warmedUp();
        }
      },
    });
    let ended: ProcessResult | null = null;
    const done = sysbench.done.then((result) => (ended = result));
    const outcome = await Promise.race([
      checkpoint.then(() => 'warm' as const),
      done.then(() => 'ended' as const),
      sleep(warmupSeconds * 1000 + START_GRACE_MS).then(() => 'late' as const),
    ]);
    if (outcome !== 'warm') {
      sysbench.child.kill('SIGKILL');
      const result = await done;
      throw new Error(
        outcome === 'late'
          ? `sysbench did not finish its ${warmupSeconds} s warm-up in time (log: ${logFile})`
          : `sysbench ended during its warm-up: ${exitError(result) ?? 'exit code 0'} (log: ${logFile})`,
      );
    }
    const windowStarted = performance.now();
    return {
      stop: async () => {
        const seconds = (performance.now() - windowStarted) / 1000;
        const endedEarly = ended !== null;
        writeFileSync(stopFile, '');
        try {
          const result = await finish(sysbench, done);
          return measurement(result, endedEarly, { seconds, targetTps: this.options.rate }, logFile);
        } finally {
          rmSync(stopFile, { force: true });
        }
      },
    };
  }
}

/** Waits for sysbench to report and exit after the stop; kills it if it does not. */
async function finish(sysbench: StartedProcess, done: Promise<ProcessResult>): Promise<ProcessResult> {
  const timer = setTimeout(() => sysbench.child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

function measurement(
  result: ProcessResult,
  endedEarly: boolean,
  window: Pick<LoadWindow, 'seconds' | 'targetTps'>,
  logFile: string,
): LoadMeasurement {
  if (endedEarly) {
    return { error: `sysbench ended before the window did: ${exitError(result) ?? 'exit code 0'} (log: ${logFile})` };
  }
  try {
    const report = parseSysbenchWindow(result.stdout);
    const error = exitError(result);
    if (error) {
      return { error: `sysbench ${error} (log: ${logFile})` };
    }
    return { window: { ...report, ...window } };
  } catch (error) {
    return { error: `${(error as Error).message} (log: ${logFile})` };
  }
}
