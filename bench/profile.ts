/**
 * Where the time goes: runs DAS's engines once per case on throwaway MariaDB servers, with the DAS
 * worker under `node --cpu-prof`, and measures what each side spent:
 *
 * - DAS: the worker's CPU (user + system, µs per row, whole process and inside engine.run()) and its
 *   main thread's self time by module and function (from the .cpuprofile);
 * - each mariadbd: its CPU (/proc/<pid>/stat before/after), the deltas of a few global status
 *   counters (statements, rows, fsyncs, bytes) per batch, and the statements by digest
 *   (performance_schema) with their count, time and rows;
 * - optionally (`--perf`) `perf record` on each mariadbd: its self time by shared object and symbol.
 *
 * Every run is verified like a bench run (bench/run-once.ts). Wall-clock speed is printed but is not
 * the point: on a busy machine CPU per row and the split between DAS and the servers still hold.
 *
 *   npm run bench:profile -- [--rows 200000] [--batch 1000] [--cases archive-same,archive-two,purge] [--perf]
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from 'mysql2/promise';
import { startThrowawayMariaDb, ThrowawayMariaDb } from '../tools/throwaway-mariadb';
import { formatProfile, readProfile, summariseProfile } from './cpu-profile';
import { connect, DatabaseRef, ServerRef, TableRef } from './db';
import { compiledRuntime, DasRuntime } from './movers/das-runtime';
import { DasMover, DasSettings } from './movers/das';
import { Job, MoveContext, MoveOutcome, Mover, Topology } from './movers/mover';
import { runOnce } from './run-once';
import { seedTable } from './seed';
import { BENCH_SERVER_OPTIONS } from './servers';

const CASES = {
  'archive-same': { job: 'archive', topology: 'same', settings: {} },
  'archive-two': { job: 'archive', topology: 'two', settings: {} },
  'archive-copy': { job: 'archive', topology: 'same', settings: { transfer: 'copy' } },
  purge: { job: 'purge', topology: 'same', settings: {} },
} as const satisfies Record<string, { job: Job; topology: Topology; settings: DasSettings }>;
type CaseName = keyof typeof CASES;

/** Global status counters whose change over a run says what the server did. */
const STATUS = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_insert_select',
  'Com_delete',
  'Com_commit',
  'Com_begin',
  'Com_stmt_execute',
  'Handler_read_key',
  'Handler_read_next',
  'Handler_write',
  'Handler_delete',
  'Innodb_rows_read',
  'Innodb_rows_inserted',
  'Innodb_rows_deleted',
  'Innodb_os_log_fsyncs',
  'Innodb_data_fsyncs',
  'Innodb_os_log_written',
  'Bytes_sent',
  'Bytes_received',
];

const TICKS_PER_SECOND = 100;

interface ServerProbe {
  label: string;
  ref: ServerRef;
  conn: Connection;
  pid: number;
}

interface ServerUse {
  label: string;
  cpuSeconds: number;
  status: Record<string, number>;
  digests: Array<Record<string, string | number>>;
  perf?: string;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function probeOf(db: ThrowawayMariaDb, label: string): Promise<ServerProbe> {
  const ref: ServerRef = { label, host: db.host, port: db.port, user: db.user, password: db.password };
  const conn = await connect(ref);
  const [rows] = await conn.query({ sql: 'SELECT @@pid_file, @@datadir', rowsAsArray: true });
  const [pidFile, datadir] = (rows as string[][])[0];
  const pid = Number(readFileSync(isAbsolute(pidFile) ? pidFile : join(datadir, pidFile), 'utf8').trim());
  return { label, ref, conn, pid };
}

function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime), counted after the command name (field 2).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function globalStatus(conn: Connection): Promise<Record<string, number>> {
  const [rows] = await conn.query({
    sql: `SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(', ')})`,
    values: STATUS,
    rowsAsArray: true,
  });
  return Object.fromEntries((rows as string[][]).map(([name, value]) => [name, Number(value)]));
}

async function digests(conn: Connection): Promise<Array<Record<string, string | number>>> {
  const [rows] = await conn.query(
    `SELECT LEFT(DIGEST_TEXT, 160) AS statement, COUNT_STAR AS calls,
            ROUND(SUM_TIMER_WAIT / 1e9, 1) AS total_ms, ROUND(AVG_TIMER_WAIT / 1e9, 3) AS avg_ms,
            ROUND(SUM_ROWS_EXAMINED / COUNT_STAR) AS examined, ROUND(SUM_ROWS_SENT / COUNT_STAR) AS sent,
            ROUND(SUM_ROWS_AFFECTED / COUNT_STAR) AS affected
       FROM performance_schema.events_statements_summary_by_digest
      WHERE SCHEMA_NAME IS NULL OR SCHEMA_NAME NOT IN ('performance_schema')
      ORDER BY SUM_TIMER_WAIT DESC LIMIT 12`,
  );
  return rows as Array<Record<string, string | number>>;
}

function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

function perfReport(file: string): string {
  const report = spawnSync(
    'perf',
    ['report', '-i', file, '--no-children', '--sort', 'dso,sym', '--stdio', '--percent-limit', '1.5'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return report.stdout
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .slice(0, 30)
    .join('\n');
}

/** DAS's mover, with the servers measured around its run (and nothing else in the window). */
class ProfilingMover implements Mover {
  readonly archiveTable = 'absent';
  servers: ServerUse[] = [];
  outcome?: MoveOutcome;

  constructor(
    readonly name: string,
    private readonly inner: DasMover,
    private readonly probes: ServerProbe[],
    private readonly perfDir?: string,
  ) {}

  notApplicable(): string | null {
    return null;
  }

  unavailable(): Promise<string | null> {
    return this.inner.unavailable();
  }

  async move(context: MoveContext): Promise<MoveOutcome> {
    const before: Array<{ status: Record<string, number>; cpu: number }> = [];
    for (const probe of this.probes) {
      await probe.conn.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
      before.push({ status: await globalStatus(probe.conn), cpu: processCpuSeconds(probe.pid) });
    }
    const perf: Array<{ child: ChildProcess; file: string }> = [];
    if (this.perfDir) {
      for (const probe of this.probes) {
        const file = join(this.perfDir, `${this.name}-${probe.label}.perf.data`);
        const child = spawn('perf', ['record', '-F', '499', '-p', String(probe.pid), '-o', file], { stdio: 'ignore' });
        perf.push({ child, file });
      }
    }
    const outcome = await this.inner.move(context);
    await Promise.all(
      perf.map(({ child }) => new Promise<void>((done) => (child.kill('SIGINT'), child.once('exit', () => done())))),
    );
    this.servers = [];
    for (const [i, probe] of this.probes.entries()) {
      const cpu = processCpuSeconds(probe.pid) - before[i].cpu;
      const status = await globalStatus(probe.conn);
      const delta = Object.fromEntries(
        STATUS.map((name) => [name, (status[name] ?? 0) - (before[i].status[name] ?? 0)]),
      );
      this.servers.push({
        label: probe.label,
        cpuSeconds: cpu,
        status: delta,
        digests: await digests(probe.conn),
        perf: perf[i] ? perfReport(perf[i].file) : undefined,
      });
    }
    this.outcome = outcome;
    return outcome;
  }
}

function mdTable(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) {
    return '(none)';
  }
  const cols = Object.keys(rows[0]);
  const cell = (value: string | number | undefined) =>
    String(value ?? '')
      .replace(/\s+/g, ' ')
      .replace(/\|/g, '\\|');
  return [
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${cols.map((col) => cell(row[col])).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '200000' },
      batch: { type: 'string', default: '1000' },
      cases: { type: 'string', default: 'archive-same,archive-two,purge' },
      perf: { type: 'boolean', default: false },
      top: { type: 'string', default: '20' },
      out: { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  const cases = values.cases.split(',') as CaseName[];
  const unknown = cases.filter((name) => !(name in CASES));
  if (values.help || unknown.length > 0) {
    process.stderr.write(
      `usage: npm run bench:profile -- [--rows N] [--batch B] [--cases ${Object.keys(CASES).join(',')}] [--perf] [--top N] [--out DIR]\n`,
    );
    process.exit(values.help ? 0 : 2);
  }
  const rows = Number(values.rows);
  const batchSize = Number(values.batch);
  const usePerf = values.perf && perfAvailable();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const workDir = resolve(values.out, `profile-${stamp}`);
  mkdirSync(workDir, { recursive: true });
  const started: ThrowawayMariaDb[] = [];
  const probes: ServerProbe[] = [];
  const report: string[] = [`# DAS profile, ${rows} rows, batch ${batchSize}`, ''];
  try {
    const start = async (label: string) => {
      const db = await startThrowawayMariaDb({
        ...BENCH_SERVER_OPTIONS,
        extraSettings: [...BENCH_SERVER_OPTIONS.extraSettings, 'performance_schema=ON'],
        parentDir: '/tmp',
      });
      started.push(db);
      const probe = await probeOf(db, label);
      probes.push(probe);
      log(`server ${label}: 127.0.0.1:${db.port}, mariadbd pid ${probe.pid}`);
      return probe;
    };
    const a = await start('A');
    const b = cases.some((name) => CASES[name].topology === 'two') ? await start('B') : undefined;
    const runtime: DasRuntime = await compiledRuntime(workDir, join(workDir, 'das-build.log'));
    const templates = new Map<string, TableRef>();
    for (const name of cases) {
      const { job, topology, settings } = CASES[name];
      const sourceProbe = a;
      const archiveProbe = topology === 'two' && b ? b : a;
      const source: DatabaseRef = { server: sourceProbe.ref, database: 'bench_source', conn: sourceProbe.conn };
      const archive: DatabaseRef = { server: archiveProbe.ref, database: 'bench_archive', conn: archiveProbe.conn };
      const templateOn = job === 'archive' ? sourceProbe : archiveProbe;
      const kind = job === 'archive' ? 'orders' : 'archived-orders';
      const key = `${kind}@${templateOn.label}`;
      let template = templates.get(key);
      if (!template) {
        template = {
          server: templateOn.ref,
          conn: templateOn.conn,
          database: 'bench_template',
          table: kind.replace('-', '_'),
        };
        await seedTable(template, kind, rows);
        templates.set(key, template);
        log(`seeded ${rows} rows of ${kind} on ${templateOn.label}`);
      }
      const profileName = `${name}.cpuprofile`;
      const profiled: DasRuntime = {
        ...runtime,
        args: ['--cpu-prof', `--cpu-prof-dir=${workDir}`, `--cpu-prof-name=${profileName}`, ...runtime.args],
      };
      const servers = topology === 'two' && b ? [a, b] : [a];
      const mover = new ProfilingMover(
        name,
        new DasMover('das', profiled, settings),
        servers,
        usePerf ? workDir : undefined,
      );
      log(`running ${name}`);
      const { record } = await runOnce(
        {
          rep: 1,
          job,
          topology,
          source,
          archive,
          template,
          table: 'orders',
          dateColumn: 'created_at',
          days: job === 'archive' ? 180 : 365,
          batchSize,
          workDir,
          logDir: workDir,
          quiesceMaxSeconds: 120,
        },
        mover,
      );
      const moved = record.rows || 1;
      const batches = record.batches || 1;
      const cpu = mover.outcome?.processCpu;
      const dasUs = cpu ? cpu.userUs + cpu.systemUs : NaN;
      const engineUs = cpu ? cpu.engineUserUs + cpu.engineSystemUs : NaN;
      report.push(
        `## ${name} (${job}, ${topology === 'same' ? 'one server' : 'two servers'}${settings && 'transfer' in settings ? ', transfer copy' : ''})`,
        '',
        `status ${record.status}${record.failures.length ? ` (${record.failures.join('; ')})` : ''}; ${record.rows} rows in ${record.batches} batches, transfer ${record.transfer ?? '-'}; ${record.seconds.toFixed(1)} s wall (in engine ${record.engineSeconds?.toFixed(1)} s), load average ${record.loadAverage.toFixed(1)}; peak RSS ${((record.maxRssKb ?? 0) / 1024).toFixed(0)} MiB`,
        '',
        '| process | CPU s | µs/row | ms/batch |',
        '| --- | ---: | ---: | ---: |',
        `| DAS worker, whole process | ${(dasUs / 1e6).toFixed(2)} | ${(dasUs / moved).toFixed(1)} | ${(dasUs / 1000 / batches).toFixed(1)} |`,
        `| DAS worker, inside engine.run() | ${(engineUs / 1e6).toFixed(2)} | ${(engineUs / moved).toFixed(1)} | ${(engineUs / 1000 / batches).toFixed(1)} |`,
        ...mover.servers.map(
          (s) =>
            `| mariadbd ${s.label} | ${s.cpuSeconds.toFixed(2)} | ${((s.cpuSeconds * 1e6) / moved).toFixed(1)} | ${((s.cpuSeconds * 1000) / batches).toFixed(1)} |`,
        ),
        '',
      );
      for (const s of mover.servers) {
        report.push(
          `### mariadbd ${s.label}: status counters per batch`,
          '',
          STATUS.filter((k) => s.status[k])
            .map(
              (k) => `${k} ${(s.status[k] / batches).toFixed(k.startsWith('Bytes') || k.endsWith('written') ? 0 : 2)}`,
            )
            .join(', '),
          '',
          `### mariadbd ${s.label}: statements by digest`,
          '',
          mdTable(s.digests),
          '',
        );
        if (s.perf) {
          report.push(`### mariadbd ${s.label}: perf (self, dso and symbol)`, '', '```', s.perf, '```', '');
        }
      }
      const file = readdirSync(workDir).find((f) => f === profileName);
      if (file) {
        report.push(
          '### DAS main thread: self time',
          '',
          formatProfile(summariseProfile(readProfile(join(workDir, file)), Number(values.top)), moved, batches),
          '',
        );
      }
      writeFileSync(join(workDir, 'profile.md'), `${report.join('\n')}\n`);
    }
  } finally {
    await Promise.allSettled(probes.map((p) => p.conn.end()));
    await Promise.allSettled(started.map((db) => db.stop()));
  }
  process.stdout.write(`${report.join('\n')}\n`);
  log(`written to ${join(workDir, 'profile.md')} (the .cpuprofile files beside it open in Chrome DevTools)`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? String(error)}\n`);
  process.exit(1);
});
