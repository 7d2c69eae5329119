import { parseArgs } from 'node:util';
import { Job, Topology } from './movers/mover';

/** What `npm run bench` runs without --only (with every --variant). */
export const DEFAULT_VARIANTS = ['das', 'das-copy', 'das-tuned', 'das-lanes', 'pt-bulk', 'pt-row', 'floor'] as const;

export const BUILT_IN_VARIANTS = [...DEFAULT_VARIANTS, 'das-throttled'] as const;

/** das-throttled's maxThreadsRunning unless --max-threads-running says otherwise. */
export const DEFAULT_MAX_THREADS_RUNNING = 4;

export interface BenchOptions {
  rows: number;
  reps: number;
  batch: number;
  topologies: Topology[];
  jobs: Job[];
  /** Variant names to run, in round order (built-in and --variant ones). */
  variants: string[];
  /** --variant name='shell command' */
  external: Map<string, string>;
  sourceUrl?: string;
  archiveUrl?: string;
  outDir: string;
  archiveDays: number;
  purgeDays: number;
  quiesceMaxSeconds: number;
  /** How the DAS worker runs: compiled to JavaScript first (like production), or under ts-node. */
  dasRuntime: 'compiled' | 'ts-node';
  /** `das-throttled` pauses while the server's Threads_running exceeds this. */
  maxThreadsRunning: number;
}

export const USAGE = `usage: npm run bench -- [options]

  --rows N              rows seeded per run (default 1000000)
  --reps R              rounds; every variant runs once per round, interleaved (default 3)
  --batch B             rows per batch / per commit, for every mover (default 1000)
  --topology T          same | two | both (default both): source and archive databases on one
                        MariaDB server, or on two servers (two mariadbd processes)
  --jobs LIST           archive,purge (default both)
  --only LIST           variants to run (default das,das-copy,das-tuned,das-lanes,pt-bulk,pt-row,floor and every
                        --variant); pt-row takes ~4 min per million rows archived; das-throttled is
                        das with the service's maxThreadsRunning throttle
  --variant NAME=CMD    also time another archiver: CMD runs under bash -c with BENCH_JOB,
                        BENCH_CUTOFF, BATCH_SIZE, DB_HOST/PORT/USER/PASSWORD, SOURCE_DB,
                        ARCHIVE_DB, TABLE, DATE_COLUMN in its environment (repeatable)
  --source-url URL      use this existing server/database as the source instead of a throwaway
                        server (mysql://user:pass@host:port/db); the benchmark DROPS AND
                        RECREATES its tables there
  --archive-url URL     the archive database (default: database bench_archive on the source
                        server); the topology follows from the two URLs
  --archive-days D      archive rows older than D days (default 180)
  --purge-days D        purge rows older than D days (default 365)
  --quiesce-max S       wait at most S seconds for InnoDB to settle before each run (default 180)
  --das-runtime R       compiled (default: the DAS worker and engines are compiled to JavaScript
                        once, then run with plain node, as in production) or ts-node
  --out DIR             where results go (default bench-results/)
  --max-threads-running N
                        das-throttled pauses between batches while the server's Threads_running
                        exceeds N (default 4)
`;

export class UsageError extends Error {}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function list<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (items.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--${name}: unknown ${unknown.join(', ') || 'empty list'} (choose from ${allowed.join(', ')})`,
    );
  }
  return [...new Set(items as T[])];
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rows: { type: 'string', default: '1000000' },
      reps: { type: 'string', default: '3' },
      batch: { type: 'string', default: '1000' },
      topology: { type: 'string', default: 'both' },
      jobs: { type: 'string', default: 'archive,purge' },
      only: { type: 'string' },
      variant: { type: 'string', multiple: true, default: [] },
      'source-url': { type: 'string' },
      'archive-url': { type: 'string' },
      'archive-days': { type: 'string', default: '180' },
      'purge-days': { type: 'string', default: '365' },
      'quiesce-max': { type: 'string', default: '180' },
      out: { type: 'string', default: 'bench-results' },
      'das-runtime': { type: 'string', default: 'compiled' },
      'max-threads-running': { type: 'string', default: String(DEFAULT_MAX_THREADS_RUNNING) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  const external = new Map<string, string>();
  for (const spec of values.variant) {
    const match = /^([A-Za-z0-9_.[\]-]+)=(.+)$/s.exec(spec);
    if (!match) {
      throw new UsageError(`--variant must be NAME=COMMAND (NAME of letters, digits, ._-[]), got "${spec}"`);
    }
    if ((BUILT_IN_VARIANTS as readonly string[]).includes(match[1]) || external.has(match[1])) {
      throw new UsageError(`--variant ${match[1]}: the name is already taken`);
    }
    external.set(match[1], match[2]);
  }
  const allVariants = [...DEFAULT_VARIANTS, ...external.keys()];
  const topologies: Topology[] =
    values.topology === 'both' ? ['same', 'two'] : list('topology', values.topology, ['same', 'two'] as const);
  const options: BenchOptions = {
    rows: positiveInteger('rows', values.rows),
    reps: positiveInteger('reps', values.reps),
    batch: positiveInteger('batch', values.batch),
    topologies,
    jobs: list('jobs', values.jobs, ['archive', 'purge'] as const),
    variants: values.only ? list('only', values.only, [...BUILT_IN_VARIANTS, ...external.keys()]) : allVariants,
    external,
    sourceUrl: values['source-url'],
    archiveUrl: values['archive-url'],
    outDir: values.out,
    archiveDays: positiveInteger('archive-days', values['archive-days']),
    purgeDays: positiveInteger('purge-days', values['purge-days']),
    quiesceMaxSeconds: positiveInteger('quiesce-max', values['quiesce-max']),
    dasRuntime: list('das-runtime', values['das-runtime'], ['compiled', 'ts-node'] as const)[0],
    maxThreadsRunning: positiveInteger('max-threads-running', values['max-threads-running']),
  };
  if (options.archiveUrl && !options.sourceUrl) {
    throw new UsageError('--archive-url needs --source-url');
  }
  return options;
}
