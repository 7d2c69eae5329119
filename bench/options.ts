import { parseArgs } from 'node:util';
import { Job, Topology } from './movers/mover';

/** What `npm run bench` runs without --only (with every --variant). */
export const DEFAULT_VARIANTS = [
  'das',
  'das-copy',
  'das-tuned',
  'das-lanes',
  'das-night',
  'pt-bulk',
  'pt-row',
  'floor',
] as const;

/** das-night's defaults: the settings docs/benchmarks.md recommends for a night window. */
export const NIGHT_LANES = 2;
export const NIGHT_BATCH_TARGET_MS = 250;

export const BUILT_IN_VARIANTS = [...DEFAULT_VARIANTS, 'das-throttled'] as const;

/** With --production-load: sysbench alone, no archiver beside it (the baseline). */
export const LOAD_BASELINE = 'none';

/** What `npm run bench -- --production-load` runs without --only (with every --variant, before none). */
export const PRODUCTION_LOAD_VARIANTS = ['das', 'das-throttled', 'pt-bulk'] as const;

/** sysbench beside each archiver: the cost-to-production benchmark (bench/README.md). */
export interface ProductionLoadOptions {
  /** Transactions per second sysbench aims at (a fixed rate, like a production workload). */
  rate: number;
  threads: number;
  tables: number;
  tableSize: number;
  /** Seconds sysbench runs before the archiver starts; not in the figures. */
  warmupSeconds: number;
  /** How long the baseline (sysbench alone) measures; unset: the longest archiver run of its round. */
  baselineSeconds?: number;
}

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
  /** `das-night`: key ranges worked at once and the transaction time its batches aim at (ms). */
  night: { lanes: number; targetBatchMs: number };
  /** The cost-to-production mode; null for the usual benchmark. */
  productionLoad: ProductionLoadOptions | null;
}

/**
 * das-throttled's default maxThreadsRunning: half of sysbench's connections. At its fixed rate the
 * workload keeps a few statements running (the throttle's own SHOW STATUS included); more than half
 * of its connections inside a statement at once means its transactions are queueing.
 */
export function defaultMaxThreadsRunning(loadThreads: number): number {
  return Math.max(1, Math.ceil(loadThreads / 2));
}

export const USAGE = `usage: npm run bench -- [options]

  --rows N              rows seeded per run (default 1000000)
  --reps R              rounds; every variant runs once per round, interleaved (default 3)
  --batch B             rows per batch / per commit, for every mover (default 1000)
  --topology T          same | two | both (default both; same with --production-load): source
                        and archive databases on one MariaDB server, or on two servers (two
                        mariadbd processes)
  --jobs LIST           archive,purge (default both; archive only with --production-load)
  --only LIST           variants to run (default das,das-copy,das-tuned,das-lanes,das-night,pt-bulk,pt-row,floor
                        and every --variant); pt-row takes ~4 min per million rows archived;
                        das-throttled is das with the service's maxThreadsRunning throttle
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
                        exceeds N (default: half of --load-threads, rounded up)
  --night-lanes N       das-night's lanes (ARCHIVE_LANES, 1-4; default ${NIGHT_LANES})
  --night-target-ms MS  das-night's batch target (ARCHIVE_BATCH_TARGET_MS; default ${NIGHT_BATCH_TARGET_MS})

Cost to production (sysbench oltp_read_write on the source server beside each archiver):
  --production-load     run that benchmark instead: variants das,das-throttled,pt-bulk,none by
                        default (none: sysbench alone), archive job, one server
  --load-rate TPS       sysbench's fixed transaction rate (default 200)
  --load-threads N      sysbench's connections (default 8)
  --load-tables N       sbtest tables in database bench_load, prepared once (default 4)
  --load-table-size N   rows per sbtest table (default 100000)
  --load-warmup S       seconds sysbench runs before each archiver starts, left out (default 5)
  --load-baseline-seconds S
                        how long none measures (default: the longest archiver run of its round)
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
      // No defaults here: they depend on --production-load.
      topology: { type: 'string' },
      jobs: { type: 'string' },
      only: { type: 'string' },
      variant: { type: 'string', multiple: true, default: [] },
      'source-url': { type: 'string' },
      'archive-url': { type: 'string' },
      'archive-days': { type: 'string', default: '180' },
      'purge-days': { type: 'string', default: '365' },
      'quiesce-max': { type: 'string', default: '180' },
      out: { type: 'string', default: 'bench-results' },
      'das-runtime': { type: 'string', default: 'compiled' },
      'max-threads-running': { type: 'string' },
      'night-lanes': { type: 'string', default: String(NIGHT_LANES) },
      'night-target-ms': { type: 'string', default: String(NIGHT_BATCH_TARGET_MS) },
      'production-load': { type: 'boolean', default: false },
      'load-rate': { type: 'string', default: '200' },
      'load-threads': { type: 'string', default: '8' },
      'load-tables': { type: 'string', default: '4' },
      'load-table-size': { type: 'string', default: '100000' },
      'load-warmup': { type: 'string', default: '5' },
      'load-baseline-seconds': { type: 'string' },
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
    const taken = [...BUILT_IN_VARIANTS, LOAD_BASELINE] as readonly string[];
    if (taken.includes(match[1]) || external.has(match[1])) {
      throw new UsageError(`--variant ${match[1]}: the name is already taken`);
    }
    external.set(match[1], match[2]);
  }
  const productionLoad = values['production-load'] ? loadOptions(values) : null;
  const topology = values.topology ?? (productionLoad ? 'same' : 'both');
  const topologies: Topology[] =
    topology === 'both' ? ['same', 'two'] : list('topology', topology, ['same', 'two'] as const);
  const jobs = list('jobs', values.jobs ?? (productionLoad ? 'archive' : 'archive,purge'), [
    'archive',
    'purge',
  ] as const);
  if (productionLoad && jobs.includes('purge')) {
    throw new UsageError('--production-load measures the archive job only (--jobs archive)');
  }
  const allVariants = productionLoad
    ? [...PRODUCTION_LOAD_VARIANTS, ...external.keys(), LOAD_BASELINE]
    : [...DEFAULT_VARIANTS, ...external.keys()];
  const selectable = [...BUILT_IN_VARIANTS, ...external.keys(), ...(productionLoad ? [LOAD_BASELINE] : [])];
  const loadThreads = productionLoad?.threads ?? positiveInteger('load-threads', values['load-threads']);
  const options: BenchOptions = {
    rows: positiveInteger('rows', values.rows),
    reps: positiveInteger('reps', values.reps),
    batch: positiveInteger('batch', values.batch),
    topologies,
    jobs,
    variants: values.only ? list('only', values.only, selectable) : allVariants,
    external,
    sourceUrl: values['source-url'],
    archiveUrl: values['archive-url'],
    outDir: values.out,
    archiveDays: positiveInteger('archive-days', values['archive-days']),
    purgeDays: positiveInteger('purge-days', values['purge-days']),
    quiesceMaxSeconds: positiveInteger('quiesce-max', values['quiesce-max']),
    dasRuntime: list('das-runtime', values['das-runtime'], ['compiled', 'ts-node'] as const)[0],
    maxThreadsRunning:
      values['max-threads-running'] === undefined
        ? defaultMaxThreadsRunning(loadThreads)
        : positiveInteger('max-threads-running', values['max-threads-running']),
    night: {
      lanes: positiveInteger('night-lanes', values['night-lanes']),
      targetBatchMs: positiveInteger('night-target-ms', values['night-target-ms']),
    },
    productionLoad,
  };
  if (options.night.lanes > 4) {
    throw new UsageError(`--night-lanes must be 1-4 (ARCHIVE_LANES), got ${options.night.lanes}`);
  }
  if (options.archiveUrl && !options.sourceUrl) {
    throw new UsageError('--archive-url needs --source-url');
  }
  return options;
}

function loadOptions(values: Record<string, string | boolean | string[] | undefined>): ProductionLoadOptions {
  const integer = (name: string) => positiveInteger(name, values[name] as string);
  const baseline = values['load-baseline-seconds'] as string | undefined;
  return {
    rate: integer('load-rate'),
    threads: integer('load-threads'),
    tables: integer('load-tables'),
    tableSize: integer('load-table-size'),
    warmupSeconds: integer('load-warmup'),
    ...(baseline === undefined ? {} : { baselineSeconds: positiveInteger('load-baseline-seconds', baseline) }),
  };
}
