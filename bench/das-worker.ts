/**
 * Runs one DAS engine job in a process of its own, so the benchmark times the whole process (like
 * pt-archiver's) and can read its peak memory. Spawned by bench/movers/das.ts as
 *
 *   node -r ts-node/register/transpile-only bench/das-worker.ts --job archive|purge \
 *        --table orders --date-column created_at --cutoff 'YYYY-MM-DD HH:MM:SS.ffffff' --days 180 --batch 1000
 *
 * with DAS_BENCH_SOURCE_URL and DAS_BENCH_ARCHIVE_URL (mysql://…) in the environment, so no
 * password shows in the process list. Prints one JSON line on stdout:
 * {"rows":…,"batches":…,"seconds":…,"maxRssKb":…,"stopReason":…,"problem":…,"transfer":…}.
 * `--transfer copy` makes the archival engine move rows through this process even when source and
 * archive share a server (by default it then moves them inside the server).
 * `--lanes N` works N key ranges at once (ARCHIVE_LANES).
 * `--max-threads-running N` throttles the run as the service does (maxThreadsRunning): before each
 * batch, at most once a second, it pauses while the server's Threads_running exceeds N (the source
 * for archive, the archive server for purge, as the job runner does).
 * `--check` only loads the engines. Exit code 3: the engine is not available (not built yet).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EngineRunOptions, EngineRunResult, PauseLog } from '../src/archive/engine/engine.types';
import {
  ARCHIVE_URL_ENV,
  ENGINE_MODULES,
  ENGINE_UNAVAILABLE_EXIT_CODE,
  SOURCE_URL_ENV,
  WorkerReport,
} from './das-worker-protocol';

type Job = 'archive' | 'purge';

/** The engine API as the benchmark uses it: the run options plus the exact cutoff literal. */
interface Engine {
  run(
    options: EngineRunOptions & { archiveCutoff?: string; purgeCutoff?: string; transfer?: string },
  ): Promise<EngineRunResult & { problem?: string | null }>;
}

class EngineUnavailable extends Error {}

async function loadEngine(job: Job): Promise<Engine> {
  const { path, exportName } = ENGINE_MODULES[job];
  let module: Record<string, unknown>;
  try {
    module = (await import(path)) as Record<string, unknown>;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Only the engine file itself missing means "not built yet"; a broken import inside it is a failure.
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${path}'`)) {
      throw new EngineUnavailable(`DAS engine not available yet: ${path} does not exist`);
    }
    throw error;
  }
  const engine = module[exportName];
  if (typeof engine !== 'function') {
    throw new EngineUnavailable(`DAS engine not available yet: ${path}.ts does not export ${exportName}`);
  }
  return new (engine as new () => Engine)();
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      job: { type: 'string' },
      table: { type: 'string', default: 'orders' },
      'date-column': { type: 'string', default: 'created_at' },
      cutoff: { type: 'string' },
      days: { type: 'string' },
      batch: { type: 'string', default: '1000' },
      transfer: { type: 'string', default: 'auto' },
      'target-batch-ms': { type: 'string', default: '0' },
      lanes: { type: 'string', default: '1' },
      'max-threads-running': { type: 'string', default: '0' },
      check: { type: 'boolean', default: false },
    },
  });
  const jobs: Job[] = values.job === 'archive' || values.job === 'purge' ? [values.job] : ['archive', 'purge'];
  if (values.check) {
    await Promise.all(jobs.map(loadEngine));
    return;
  }
  if (jobs.length !== 1 || !values.cutoff || !values.days) {
    throw new Error(
      'usage: das-worker.ts --job archive|purge --cutoff LITERAL --days N [--table --date-column --batch --transfer --target-batch-ms --lanes --max-threads-running]',
    );
  }
  const job = jobs[0];
  const engine = await loadEngine(job);
  // Imported only now: the data layer is not needed to find out whether the engine exists.
  const { openSqlClient } = await import('../src/database/open-sql-client');
  const { ServerThrottle } = await import('../src/archive/engine/throttle');
  const sampler = sampleMemory();
  const source = await openSqlClient('source', requiredEnv(SOURCE_URL_ENV));
  const archive = await openSqlClient('archive', requiredEnv(ARCHIVE_URL_ENV));
  try {
    const maxThreadsRunning = Number(values['max-threads-running']);
    const loadWatched = job === 'archive' ? source.client : archive.client;
    const days = Number(values.days);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await engine.run({
      policy: {
        tableName: values.table,
        dateColumn: values['date-column'],
        archiveAfterDays: job === 'archive' ? days : 180,
        deleteAfterDays: job === 'purge' ? days : 3650,
        criteria: [],
      },
      source: source.client,
      archive: archive.client,
      runId: 1,
      batchSize: Number(values.batch),
      targetBatchMs: Number(values['target-batch-ms']) || undefined,
      lanes: Number(values.lanes),
      throttle: maxThreadsRunning > 0 ? new ServerThrottle(loadWatched, [], { maxThreadsRunning }) : undefined,
      ...(job === 'archive'
        ? { archiveCutoff: values.cutoff, transfer: values.transfer }
        : { purgeCutoff: values.cutoff }),
    });
    const engineCpu = process.cpuUsage(cpuBefore);
    const { userCPUTime, systemCPUTime } = process.resourceUsage();
    const report: WorkerReport = {
      rows: result.rows,
      batches: result.batches,
      seconds: (performance.now() - started) / 1000,
      maxRssKb: process.resourceUsage().maxRSS,
      stopReason: result.stopReason,
      problem: result.problem ?? null,
      transfer: typeof result.details.transfer === 'string' ? result.details.transfer : undefined,
      ...pausesOf(result.details.pauses as PauseLog | undefined),
      cpu: {
        userUs: userCPUTime,
        systemUs: systemCPUTime,
        engineUserUs: engineCpu.user,
        engineSystemUs: engineCpu.system,
      },
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    clearInterval(sampler);
    await Promise.all([source.close(), archive.close()]);
  }
}

/** All the run's pauses together, whatever their reason; nothing when it never paused. */
function pausesOf(pauses: PauseLog | undefined): Pick<WorkerReport, 'pauses' | 'pausedSeconds'> {
  const logs = Object.values(pauses ?? {});
  if (logs.length === 0) {
    return {};
  }
  return {
    pauses: logs.reduce((sum, log) => sum + log.count, 0),
    pausedSeconds: logs.reduce((sum, log) => sum + log.seconds, 0),
  };
}

/** How often the worker writes where its memory is to its log (stderr). */
const MEMORY_SAMPLE_MS = 5_000;

/**
 * Writes a line per MEMORY_SAMPLE_MS to stderr (the run's log) saying where the memory is: the
 * V8 heap (total and live), memory outside it (buffers) and the resident set. Peak RSS alone does
 * not tell whether a growth is live data, a heap V8 chose to keep, or native memory.
 */
function sampleMemory(): NodeJS.Timeout {
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const timer = setInterval(() => {
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.stderr.write(
      `memory: rss ${mib(rss)} MiB, heap ${mib(heapUsed)}/${mib(heapTotal)} MiB, external ${mib(external)} MiB (buffers ${mib(arrayBuffers)})\n`,
    );
  }, MEMORY_SAMPLE_MS);
  timer.unref();
  return timer;
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof EngineUnavailable ? error.message : (error.stack ?? String(error))}\n`);
  process.exit(error instanceof EngineUnavailable ? ENGINE_UNAVAILABLE_EXIT_CODE : 1);
});
