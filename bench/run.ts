/**
 * `npm run bench`: DAS against pt-archiver and a pure-SQL floor, on identical data, in the same
 * interleaved rounds, every figure verified. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from 'mysql2/promise';
import { DatabaseRef, ServerRef, TableRef, connect } from './db';
import { DasMover } from './movers/das';
import { DasRuntime, compiledRuntime, tsNodeRuntime } from './movers/das-runtime';
import { ExternalCommandMover } from './movers/external';
import { Job, Mover, Topology } from './movers/mover';
import { killRunningChildren } from './movers/process';
import { PtArchiverMover, ptArchiverVersion } from './movers/pt-archiver';
import { SqlFloorMover } from './movers/sql-floor';
import { BenchOptions, USAGE, parseOptions } from './options';
import { RunRecord, Skipped, formatTable } from './report';
import { runOnce } from './run-once';
import { BenchServers, Endpoint, provideServers } from './servers';
import { seedTable } from './seed';

const TABLE = 'orders';
const DATE_COLUMN = 'created_at';
const TEMPLATE_DB = 'bench_template';
const TEMPLATES: Record<Job, string> = { archive: 'orders', purge: 'archived_orders' };

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
  return options.variants.map((name): Mover => {
    switch (name) {
      case 'das':
        return new DasMover(name, das ?? tsNodeRuntime());
      case 'das-copy':
        return new DasMover(name, das ?? tsNodeRuntime(), 'copy');
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

/** Server facts for the results: version and the settings the figures depend on. */
async function describeServer(conn: Connection, server: ServerRef) {
  const [rows] = await conn.query(
    `SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS flushLogAtTrxCommit,
            @@innodb_buffer_pool_size AS bufferPoolSize, @@innodb_log_file_size AS logFileSize,
            @@innodb_doublewrite AS doublewrite, @@log_bin AS logBin, @@local_infile AS localInfile`,
  );
  return { label: server.label, host: server.host, port: server.port, ...(rows as object[])[0] };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
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
  let servers: BenchServers | undefined;
  let interrupted = false;
  const cleanUp = async () => {
    killRunningChildren();
    await connections.closeAll();
    await servers?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      return;
    }
    interrupted = true;
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
    const unavailable = new Map<string, string>();
    for (const mover of movers) {
      const reason = await mover.unavailable();
      if (reason) {
        unavailable.set(mover.name, reason);
        log(`${mover.name}: unavailable (${reason}); the others run without it`);
      }
    }

    servers = await provideServers(options, log);
    const setup = servers;
    const source = await connections.ref(setup.source);
    const serverList = [setup.source.server, ...Object.values(setup.archive).map((endpoint) => endpoint.server)];
    const described = new Map<string, object>();
    for (const server of serverList) {
      described.set(`${server.host}:${server.port}`, await describeServer(await connections.get(server), server));
    }

    // Templates: the fresh data each run copies, generated once per server that needs it.
    const templates = new Map<string, TableRef>();
    const seedTemplate = async (job: Job, endpoint: Endpoint) => {
      const key = `${job}@${endpoint.server.host}:${endpoint.server.port}`;
      if (!templates.has(key)) {
        const template: TableRef = {
          ...(await connections.ref(endpoint)),
          database: TEMPLATE_DB,
          table: TEMPLATES[job],
        };
        const kind = job === 'archive' ? 'orders' : 'archived-orders';
        const seeded = await seedTable(template, kind, options.rows);
        log(
          `seeded ${options.rows} rows of ${kind} on server ${endpoint.server.label} in ${seeded.seconds.toFixed(1)} s`,
        );
        templates.set(key, template);
      }
      return templates.get(key) as TableRef;
    };

    const runs: RunRecord[] = [];
    const skipped: Skipped[] = [];
    const results = {
      startedAt: new Date().toISOString(),
      finishedAt: '',
      options: {
        ...options,
        external: Object.fromEntries(options.external),
        sourceUrl: undefined,
        archiveUrl: undefined,
      },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        totalMemoryGiB: Math.round(totalmem() / 2 ** 30),
        kernel: release(),
        node: process.version,
        ptArchiver: await ptArchiverVersion(),
        gitCommit: gitCommit(),
        servers: [...described.values()],
        throwawayServers: setup.throwaway,
        dasRuntime: das?.kind ?? null,
      },
      skipped,
      runs,
    };
    const jsonFile = join(outDir, `bench-${stamp}.json`);
    const save = () => writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);

    for (const job of options.jobs) {
      for (const topology of setup.topologies) {
        for (const mover of movers) {
          const notApplicable = mover.notApplicable(job, topology);
          const reason = unavailable.get(mover.name);
          if (notApplicable || reason) {
            const kind = notApplicable ? 'n/a' : 'unavailable';
            skipped.push({ job, topology, variant: mover.name, kind, reason: notApplicable ?? reason ?? '' });
          }
        }
      }
    }
    const isSkipped = (job: Job, topology: Topology, variant: string) =>
      skipped.some((s) => s.job === job && s.topology === topology && s.variant === variant);

    // Round-robin: every variant once per round, so a slow stretch of the machine hits all alike.
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const job of options.jobs) {
        for (const topology of setup.topologies) {
          const archiveEndpoint = setup.archive[topology] as Endpoint;
          const archive = await connections.ref(archiveEndpoint);
          const template = await seedTemplate(job, job === 'archive' ? setup.source : archiveEndpoint);
          for (const mover of movers) {
            if (isSkipped(job, topology, mover.name)) {
              continue;
            }
            log(`round ${rep}/${options.reps}: ${job} ${topology} ${mover.name} …`);
            const { record } = await runOnce(
              {
                rep,
                job,
                topology,
                source,
                archive,
                template,
                table: TABLE,
                dateColumn: DATE_COLUMN,
                days: job === 'archive' ? options.archiveDays : options.purgeDays,
                batchSize: options.batch,
                workDir,
                logDir,
                quiesceMaxSeconds: options.quiesceMaxSeconds,
              },
              mover,
            );
            runs.push(record);
            save();
            log(
              `round ${rep}/${options.reps}: ${job} ${topology} ${mover.name}: ${record.status} rows=${record.rows} ` +
                `seconds=${record.seconds.toFixed(3)} rows/s=${Math.round(record.rowsPerSecond)}` +
                (record.failures.length ? ` — ${record.failures.join('; ')}` : ''),
            );
          }
        }
      }
    }

    results.finishedAt = new Date().toISOString();
    save();
    const variants = movers.map((mover) => mover.name);
    const sections = options.jobs.flatMap((job) =>
      setup.topologies.map((topology) =>
        formatTable(
          `${job} job, ${topology === 'same' ? 'one server' : 'two servers'} (${options.rows.toLocaleString('en-US')} rows seeded, batch ${options.batch}, ${options.reps} round(s))`,
          runs.filter((run) => run.job === job && run.topology === topology),
          variants,
          skipped.filter((item) => item.job === job && item.topology === topology),
        ),
      ),
    );
    const machine = results.machine;
    const header =
      `DAS benchmark ${results.startedAt} — ${machine.cpus} CPUs (${machine.cpuModel}), ` +
      `MariaDB ${String((machine.servers[0] as { version?: string }).version)}, pt-archiver ${machine.ptArchiver ?? 'not installed'}, ` +
      `git ${machine.gitCommit ?? '?'}`;
    const text = `${header}\n\n${sections.join('\n\n')}\n\nResults: ${jsonFile}\nLogs: ${logDir}\n`;
    writeFileSync(join(outDir, `bench-${stamp}.md`), text);
    process.stdout.write(`\n${text}`);
    return runs.some((run) => run.status === 'failed') ? 1 : 0;
  } finally {
    if (!interrupted) {
      await cleanUp();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`benchmark aborted: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
