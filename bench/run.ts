/**
 * `npm run bench`: DAS against pt-archiver and a pure-SQL floor, on identical data, in the same
 * interleaved rounds, every figure verified. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from 'mysql2/promise';
import { DatabaseRef, ServerRef, TableRef, connect } from './db';
import { machineInfo, serverFacts } from './machine';
import { DasMover, BENCH_LANES, TUNED_BATCH_TARGET_MS } from './movers/das';
import { DasRuntime, compiledRuntime, tsNodeRuntime } from './movers/das-runtime';
import { ExternalCommandMover } from './movers/external';
import { Job, Mover, Topology } from './movers/mover';
import { killRunningChildren } from './movers/process';
import { PtArchiverMover } from './movers/pt-archiver';
import { SqlFloorMover } from './movers/sql-floor';
import { BaselineRecord, runBaseline } from './load/baseline';
import { formatCostReport } from './load/cost-report';
import { LoadWindow, ProductionLoad, SysbenchLoad, sysbenchVersion } from './load/sysbench';
import { BenchOptions, LOAD_BASELINE, USAGE, parseOptions } from './options';
import { BenchResults, RunRecord, Skipped, formatReport } from './report';
import { runOnce } from './run-once';
import { BenchServers, Endpoint, provideServers } from './servers';
import { seedTable } from './seed';

const TABLE = 'orders';
const DATE_COLUMN = 'created_at';
const TEMPLATE_DB = 'bench_template';

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Compiled unless asked otherwise or impossible (engine files missing: the check then says so). */
async function dasRuntime(options: BenchOptions, workDir: string, logDir: string): Promise<DasRuntime> {
  if (options.dasRuntime === 'ts-node') {
    return tsNodeRuntime();
  }
  try {
    const runtime = await compiledRuntime(workDir, join(logDir, 'das-build.log'));
    log('das: worker and engines compiled to JavaScript; runs use plain node');
    return runtime;
  } catch (error) {
    log(`das: ${(error as Error).message}; the worker runs under ts-node instead`);
    return tsNodeRuntime();
  }
}

function buildMovers(options: BenchOptions, das: DasRuntime | null): Mover[] {
  const archivers = options.variants.filter((name) => name !== LOAD_BASELINE);
  return archivers.map((name): Mover => {
    switch (name) {
      case 'das':
        return new DasMover(name, das ?? tsNodeRuntime());
      case 'das-copy':
        return new DasMover(name, das ?? tsNodeRuntime(), { transfer: 'copy' });
      case 'das-tuned':
        return new DasMover(name, das ?? tsNodeRuntime(), { targetBatchMs: TUNED_BATCH_TARGET_MS });
      case 'das-lanes':
        return new DasMover(name, das ?? tsNodeRuntime(), { lanes: BENCH_LANES });
      case 'das-night':
        return new DasMover(name, das ?? tsNodeRuntime(), options.night);
      case 'das-throttled':
        return new DasMover(name, das ?? tsNodeRuntime(), { maxThreadsRunning: options.maxThreadsRunning });
      case 'pt-bulk':
        return new PtArchiverMover(name, true);
      case 'pt-row':
        return new PtArchiverMover(name, false);
      case 'floor':
        return new SqlFloorMover();
      default:
        return new ExternalCommandMover(name, options.external.get(name) ?? '');
    }
  });
}

/** The variants that do not run for a job and topology: not defined there, or missing here. */
async function plannedSkips(movers: Mover[], jobs: Job[], topologies: Topology[]): Promise<Skipped[]> {
  const skipped: Skipped[] = [];
  for (const mover of movers) {
    const missing = await mover.unavailable();
    if (missing) {
      log(`${mover.name}: unavailable (${missing}); the others run without it`);
    }
    for (const job of jobs) {
      for (const topology of topologies) {
        const notApplicable = mover.notApplicable(job, topology);
        if (notApplicable || missing) {
          const kind = notApplicable ? 'n/a' : 'unavailable';
          skipped.push({ job, topology, variant: mover.name, kind, reason: notApplicable ?? missing ?? '' });
        }
      }
    }
  }
  return skipped;
}

/** One administrative connection per server, shared by everything that talks to that server. */
class Connections {
  private readonly open = new Map<string, Promise<Connection>>();

  get(server: ServerRef): Promise<Connection> {
    const key = `${server.host}:${server.port}`;
    let conn = this.open.get(key);
    if (!conn) {
      conn = connect(server);
      this.open.set(key, conn);
    }
    return conn;
  }

  async ref(endpoint: Endpoint): Promise<DatabaseRef> {
    return { ...endpoint, conn: await this.get(endpoint.server) };
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (conn) => (await conn).end()));
  }
}

/** The fresh data runs copy from: generated once per job and server, when first needed. */
class Templates {
  private readonly seeded = new Map<string, TableRef>();

  constructor(
    private readonly connections: Connections,
    private readonly rows: number,
  ) {}

  async get(job: Job, endpoint: Endpoint): Promise<TableRef> {
    const key = `${job}@${endpoint.server.host}:${endpoint.server.port}`;
    let template = this.seeded.get(key);
    if (!template) {
      const kind = job === 'archive' ? 'orders' : 'archived-orders';
      template = { ...(await this.connections.ref(endpoint)), database: TEMPLATE_DB, table: kind.replace('-', '_') };
      const seeded = await seedTable(template, kind, this.rows);
      log(`seeded ${this.rows} rows of ${kind} on server ${endpoint.server.label} in ${seeded.seconds.toFixed(1)} s`);
      this.seeded.set(key, template);
    }
    return template;
  }
}

/** Round-robin: every variant once per round, so a slow stretch of the machine hits all alike. */
async function runRounds(
  options: BenchOptions,
  servers: BenchServers,
  movers: Mover[],
  results: BenchResults,
  context: {
    connections: Connections;
    workDir: string;
    logDir: string;
    save: () => void;
    /** --production-load: sysbench beside every run, and alone (`none`) last in each round. */
    load?: { workload: ProductionLoad; baselines: BaselineRecord[] };
  },
): Promise<void> {
  const templates = new Templates(context.connections, options.rows);
  const source = await context.connections.ref(servers.source);
  const skipped = (job: Job, topology: Topology, variant: string) =>
    results.skipped.some((s) => s.job === job && s.topology === topology && s.variant === variant);
  for (let rep = 1; rep <= options.reps; rep++) {
    for (const job of options.jobs) {
      for (const topology of servers.topologies) {
        const archiveEndpoint = servers.archive[topology] as Endpoint;
        const archive = await context.connections.ref(archiveEndpoint);
        const template = await templates.get(job, job === 'archive' ? servers.source : archiveEndpoint);
        const setup = {
          ...{ rep, job, topology, source, archive, template, table: TABLE, dateColumn: DATE_COLUMN },
          ...{ workDir: context.workDir, logDir: context.logDir, quiesceMaxSeconds: options.quiesceMaxSeconds },
          days: job === 'archive' ? options.archiveDays : options.purgeDays,
          batchSize: options.batch,
          load: context.load?.workload,
        };
        const label = (variant: string) => `round ${rep}/${options.reps}: ${job} ${topology} ${variant}`;
        const windows: number[] = [];
        for (const mover of movers.filter((m) => !skipped(job, topology, m.name))) {
          log(`${label(mover.name)} …`);
          const { record } = await runOnce(setup, mover);
          results.runs.push(record);
          windows.push(record.load?.seconds ?? 0);
          context.save();
          log(`${label(mover.name)}: ${describeRun(record)}`);
        }
        if (context.load && options.variants.includes(LOAD_BASELINE)) {
          // As long as the longest archiver run of the round: the windows compared hold as many transactions.
          const seconds =
            options.productionLoad?.baselineSeconds ??
            (Math.ceil(Math.max(0, ...windows)) || FALLBACK_BASELINE_SECONDS);
          log(`${label(LOAD_BASELINE)}: sysbench alone for ${seconds} s …`);
          const baseline = await runBaseline({ ...setup, load: context.load.workload }, seconds);
          context.load.baselines.push(baseline);
          context.save();
          log(`${label(LOAD_BASELINE)}: ${describeLoad(baseline.load) ?? baseline.failures.join('; ')}`);
        }
      }
    }
  }
}

/** How long `none` measures when no archiver ran in its round and --load-baseline-seconds is unset. */
const FALLBACK_BASELINE_SECONDS = 30;

function describeLoad(window: LoadWindow | undefined): string | undefined {
  return (
    window &&
    `sysbench ${window.tps.toFixed(1)} tps, p95 ${window.latencyMs.p95.toFixed(1)} ms, ` +
      `p99 ${window.latencyMs.p99.toFixed(1)} ms, errors ${window.errors}, reconnects ${window.reconnects}`
  );
}

function describeRun(run: RunRecord): string {
  return (
    `${run.status} rows=${run.rows} seconds=${run.seconds.toFixed(3)} rows/s=${Math.round(run.rowsPerSecond)}` +
    (run.load ? `; ${describeLoad(run.load)}` : '') +
    (run.failures.length ? ` — ${run.failures.join('; ')}` : '')
  );
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = resolve(options.outDir);
  const logDir = join(outDir, `logs-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const workDir = mkdtempSync('/tmp/das-bench-');
  const connections = new Connections();
  const serverStops: Array<() => Promise<void>> = [];
  // Once, whoever comes first: the end of main, an error, or Ctrl-C.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      killRunningChildren();
      await connections.closeAll();
      await Promise.allSettled(serverStops.splice(0).map((stop) => stop()));
      rmSync(workDir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the movers and the servers`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const das = options.variants.some((name) => name.startsWith('das'))
      ? await dasRuntime(options, workDir, logDir)
      : null;
    const movers = buildMovers(options, das);
    const sysbench = options.productionLoad ? await sysbenchVersion() : null;
    if (options.productionLoad && !sysbench) {
      throw new Error('--production-load needs sysbench (Debian: apt-get install sysbench)');
    }
    const servers = await provideServers(options, log, (stop) => serverStops.push(stop));
    const facts = [];
    for (const server of [servers.source.server, ...Object.values(servers.archive).map((e) => e.server)]) {
      facts.push(await serverFacts(await connections.get(server), server));
    }
    const results: BenchResults = {
      startedAt: new Date().toISOString(),
      finishedAt: '',
      options: {
        ...options,
        external: Object.fromEntries(options.external),
        sourceUrl: undefined,
        archiveUrl: undefined,
      },
      machine: await machineInfo(facts, servers.throwaway, das?.kind ?? null),
      jobs: options.jobs,
      topologies: servers.topologies,
      variants: options.variants,
      skipped: await plannedSkips(movers, options.jobs, servers.topologies),
      runs: [],
    };
    const jsonFile = join(outDir, `bench-${stamp}.json`);
    const save = () => writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    let load: { workload: ProductionLoad; baselines: BaselineRecord[] } | undefined;
    if (options.productionLoad) {
      const workload = new SysbenchLoad(servers.source.server, options.productionLoad, workDir);
      const prepareSeconds = await workload.prepare(
        await connections.get(servers.source.server),
        join(logDir, 'sysbench-prepare.log'),
      );
      const { tables, tableSize } = options.productionLoad;
      log(`sysbench ${sysbench}: prepared ${tables} tables of ${tableSize} rows in ${prepareSeconds.toFixed(1)} s`);
      load = { workload, baselines: [] };
      results.productionLoad = {
        ...{ options: options.productionLoad, sysbench, maxThreadsRunning: options.maxThreadsRunning },
        ...{ prepareSeconds, baselines: load.baselines },
      };
    }

    await runRounds(options, servers, movers, results, { connections, workDir, logDir, save, load });

    results.finishedAt = new Date().toISOString();
    save();
    const cost = formatCostReport(results);
    const report = `${formatReport(results)}${cost ? `\n${cost}` : ''}\nResults: ${jsonFile}\nLogs: ${logDir}\n`;
    writeFileSync(join(outDir, `bench-${stamp}.md`), report);
    process.stdout.write(`\n${report}`);
    const failed = [...results.runs, ...(load?.baselines ?? [])].some((run) => run.status === 'failed');
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`benchmark aborted: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
