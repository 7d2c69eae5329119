import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from 'mysql2/promise';
import { CpuUse, cpuSecondsOf } from '../bench/cpu';
import { summariseProfile } from '../bench/cpu-profile';
import {
  DatabaseRef,
  ServerRef,
  TableRef,
  connect,
  qualified,
  quoteId,
  scalarNumber,
  serverFromUrl,
} from '../bench/db';
import { LOAD_DATABASE } from '../bench/load/sysbench';
import { SqlFloorMover } from '../bench/movers/sql-floor';
import { BenchResults, RunRecord, formatTable, summarise } from '../bench/report';
import { RunSetup, runOnce } from '../bench/run-once';
import { seedTable } from '../bench/seed';
import { verify } from '../bench/verify';
import { testMysqlUrl } from './support/mariadb-test-server';
import { describeMariaDb, mysqlAvailable } from './support/test-databases';

const ROWS = 2000;

/**
 * The benchmark's own parts on the test server: seeding, the SQL floor mover and the verification
 * that every benchmark figure depends on, including proof that verification can fail.
 */
describeMariaDb('benchmark harness: seeding, SQL floor, verification', () => {
  const prefix = `das_bench_${randomBytes(3).toString('hex')}`;
  let server: ServerRef;
  let conn: Connection;
  let workDir: string;
  const db = (name: string): DatabaseRef => ({ server, conn, database: `${prefix}_${name}` });
  const table = (name: string, tableName: string): TableRef => ({ ...db(name), table: tableName });

  const setup = (job: RunSetup['job'], template: TableRef): RunSetup => ({
    rep: 1,
    job,
    topology: 'same',
    source: db('source'),
    archive: db('archive'),
    template,
    table: 'orders',
    dateColumn: 'created_at',
    days: job === 'archive' ? 180 : 365,
    batchSize: 150,
    workDir,
    logDir: workDir,
    quiesceMaxSeconds: 0,
  });

  beforeAll(async () => {
    server = serverFromUrl(testMysqlUrl() as string).server;
    conn = await connect(server);
    workDir = mkdtempSync(join(tmpdir(), 'das-bench-test-'));
  });

  afterAll(async () => {
    for (const name of ['source', 'archive', 'template']) {
      await conn.query(`DROP DATABASE IF EXISTS ${quoteId(`${prefix}_${name}`)}`);
    }
    await conn.end();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('seeds orders with NULLs, emoji and newline/tab/backslash notes, spread over 1000 days', async () => {
    const orders = table('template', 'orders');
    await seedTable(orders, 'orders', ROWS, 700);
    const count = (where: string) => scalarNumber(conn, `SELECT COUNT(*) FROM ${qualified(orders)} WHERE ${where}`);

    expect(await count('1=1')).toBe(ROWS);
    expect(await count('note IS NULL')).toBe(ROWS / 10);
    expect(await count('payload IS NULL')).toBe(ROWS / 50);
    expect(await count("note LIKE '%🚚📦%'")).toBeGreaterThan(0);
    expect(await count("note LIKE '%\\n%' AND note LIKE '%\\t%' AND note LIKE '%\\\\\\\\%'")).toBeGreaterThan(0);
    expect(await count('created_at < NOW(6) - INTERVAL 999 DAY')).toBeGreaterThan(0);
    expect(await count('created_at < NOW(6) - INTERVAL 1001 DAY')).toBe(0);
  });

  it('archives exactly the rows older than the cutoff with the SQL floor, verified; a changed archived row fails verification', async () => {
    const template = table('template', 'orders');
    const { record, expectation } = await runOnce(setup('archive', template), new SqlFloorMover());

    expect(record.failures).toEqual([]);
    expect(record.status).toBe('verified');
    // ~82% of rows are older than 180 of 1000 days
    expect(record.rows).toBeGreaterThan(ROWS * 0.8);
    expect(record.rows).toBeLessThan(ROWS * 0.84);
    expect(record.rows).toBe(expectation.expectedRows);
    expect(record.batches).toBe(Math.ceil(record.rows / 150));
    // The machine's busy CPU time during the run (Linux): measured, and at most every core all along.
    const cpu = record.cpu as CpuUse;
    expect(cpu).toEqual({
      seconds: expect.any(Number),
      windowSeconds: expect.any(Number),
      stolenSeconds: expect.any(Number),
    });
    expect(cpu.windowSeconds).toBeGreaterThan(0);
    expect(cpu.seconds).toBeGreaterThanOrEqual(0);
    expect(cpu.seconds).toBeLessThanOrEqual((cpu.windowSeconds + 0.02) * cpus().length);
    expect(cpu.stolenSeconds).toBeGreaterThanOrEqual(0);
    expect(cpu.stolenSeconds).toBeLessThanOrEqual((cpu.windowSeconds + 0.02) * cpus().length);

    await conn.query(`UPDATE ${qualified(table('archive', 'orders'))} SET note = 'tampered' ORDER BY id LIMIT 1`);
    const tampered = await verify(expectation);
    expect(tampered.ok).toBe(false);
    expect(tampered.failures).toEqual([expect.stringMatching(/content checksum .* differs/)]);
  });

  it('purges exactly the archived rows older than the cutoff with the SQL floor, verified; a lost kept row fails verification', async () => {
    const template = table('template', 'archived_orders');
    await seedTable(template, 'archived-orders', ROWS);
    const { record, expectation } = await runOnce(setup('purge', template), new SqlFloorMover());

    expect(record.failures).toEqual([]);
    expect(record.status).toBe('verified');
    expect(record.rows).toBe(expectation.expectedRows);
    expect(record.rows).toBeGreaterThan(0);
    expect(record.rows).toBeLessThan(ROWS);

    await conn.query(`DELETE FROM ${qualified(table('archive', 'orders'))} ORDER BY id DESC LIMIT 1`);
    const lost = await verify(expectation);
    expect(lost.ok).toBe(false);
    expect(lost.failures).toEqual([
      expect.stringMatching(/lost \d+ rows, expected \d+/),
      expect.stringMatching(/content checksum .* differs/),
    ]);
  });
});

describe('bench:profile: where a .cpuprofile says the time went', () => {
  const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });
  const build = '/tmp/x/das-build/out';
  // root → decode (DAS) → update (crypto); root → mysql2 parser; root → module top-level → compile
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5, 7, 9] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('(garbage collector)') },
      {
        id: 4,
        callFrame: frame('decode', `file://${build}/src/archive/formats/line-copy-format.js`, 77),
        children: [6],
      },
      { id: 5, callFrame: frame('parseRow', 'file:///work/node_modules/mysql2/lib/packets/packet.js', 9) },
      { id: 6, callFrame: frame('update', 'node:internal/crypto/hash', 131) },
      { id: 7, callFrame: frame('', `file://${build}/src/archive/archival-engine.js`, 0), children: [8] },
      { id: 8, callFrame: frame('wrapSafe', 'node:internal/modules/cjs/loader', 1421) },
      { id: 9, callFrame: frame('writeBuffer') },
    ],
    // one sample per node, 1 ms each except idle (10 ms)
    samples: [2, 3, 4, 5, 6, 8, 9],
    timeDeltas: [10000, 1000, 1000, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 16000,
  };

  it('splits idle from busy time and groups self time by module, innermost DAS function and part', () => {
    const summary = summariseProfile(profile);
    expect(summary.idleMs).toBe(10);
    expect(summary.busyMs).toBe(6);
    const ms = (rows: Array<{ name: string; ms: number }>, name: string) => rows.find((row) => row.name === name)?.ms;
    expect(ms(summary.modules, 'mysql2')).toBe(1);
    expect(ms(summary.modules, 'src/archive/formats/line-copy-format')).toBe(1);
    expect(ms(summary.modules, 'node:internal/crypto')).toBe(1);
    // The hash inside decode counts for decode; the module's top-level code is start-up.
    expect(ms(summary.callers, 'decode src/archive/formats/line-copy-format:78')).toBe(2);
    expect(ms(summary.callers, '(start-up: loading modules)')).toBe(1);
    expect(ms(summary.parts, 'row decoding + SHA-1 of the lines (line format)')).toBe(2);
    expect(ms(summary.parts, 'start-up (loading modules, connecting)')).toBe(1);
    expect(ms(summary.parts, 'garbage collection')).toBe(1);
    expect(ms(summary.parts, 'socket I/O (syscalls)')).toBe(1);
    expect(ms(summary.parts, 'driver (mysql2 packets and rows, streams, buffers)')).toBe(1);
    expect(summary.parts.reduce((sum, part) => sum + part.ms, 0)).toBe(summary.busyMs);
  });
});

describe('benchmark report: CPU per row and busy cores', () => {
  it('reads the busy time of all cores from /proc/stat, idle, iowait and steal excluded, and the stolen time apart', () => {
    const stat = 'cpu  1000 20 300 5000 40 5 7 900 0 0\ncpu0 500 10 150 2500 20 2 3 450 0 0\nintr 123\n';
    // busy: user + nice + system + irq + softirq; stolen: steal; in ticks of 1/100 s
    expect(cpuSecondsOf(stat)).toEqual({ busy: 13.32, stolen: 9 });
    // Kernels before 2.6.11 print no steal column.
    expect(cpuSecondsOf('cpu  1000 20 300 5000 40 5 7\n')).toEqual({ busy: 13.32, stolen: 0 });
    expect(cpuSecondsOf('intr 123\n')).toBeNull();
    expect(cpuSecondsOf('cpu  x y z\n')).toBeNull();
  });

  it('reports the median CPU microseconds per row and busy cores over the verified runs', () => {
    const run = (
      variant: string,
      rows: number,
      cpu: CpuUse | undefined,
      status: RunRecord['status'] = 'verified',
    ): RunRecord => ({
      rep: 1,
      job: 'archive',
      topology: 'same',
      variant,
      startedAt: '',
      status,
      cutoff: '',
      expectedRows: rows,
      rows,
      seconds: cpu?.windowSeconds ?? 1,
      rowsPerSecond: rows,
      failures: [],
      prepareSeconds: 0,
      quiesceSeconds: 0,
      loadAverage: 0,
      cpu,
      log: '',
    });
    const runs = [
      run('das', 1000, { seconds: 0.03, windowSeconds: 0.02, stolenSeconds: 0.002 }),
      run('das', 1000, { seconds: 0.02, windowSeconds: 0.02, stolenSeconds: 0.001 }),
      run('das', 1000, { seconds: 0.04, windowSeconds: 0.02, stolenSeconds: 0.004 }),
      run('pt-bulk', 1000, { seconds: 0.028, windowSeconds: 0.025 }),
      run('pt-bulk', 1000, { seconds: 9, windowSeconds: 1 }, 'failed'),
      run('floor', 1000, undefined),
    ];

    const [das, pt, floor] = summarise(runs, ['das', 'pt-bulk', 'floor']);
    expect(das.medianCpuMicrosPerRow).toBeCloseTo(30, 6);
    expect(das.medianCoresBusy).toBeCloseTo(1.5, 6);
    expect(pt.medianCpuMicrosPerRow).toBeCloseTo(28, 6);
    expect(pt.medianCoresBusy).toBeCloseTo(1.12, 6);
    expect(das.medianCoresStolen).toBeCloseTo(0.1, 6);
    // Recorded before the steal was: no figure rather than zero.
    expect(pt.medianCoresStolen).toBeUndefined();
    expect(floor.medianCpuMicrosPerRow).toBeUndefined();

    const table = formatTable('archive', runs, ['das', 'pt-bulk', 'floor'], []);
    expect(table).toContain('| CPU µs/row | cores busy | cores stolen |');
    expect(table).toMatch(/^\| das \|.* \| 30\.0 \| 1\.50 \| 0\.10 \|$/m);
    expect(table).toMatch(/^\| pt-bulk \|.* \| 28\.0 \| 1\.12 \| {2}\|$/m);
    expect(table).toMatch(/^\| floor \|.* \| {2}\| {2}\| {2}\|$/m);
  });
});

const installed = (command: string) => {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** sysbench and pt-archiver are part of what this mode runs; CI installs them (.ci/run), so there a missing one fails. */
const describeProductionLoad =
  mysqlAvailable() && ((installed('sysbench') && installed('pt-archiver')) || process.env.CI)
    ? describe
    : describe.skip;

/**
 * `npm run bench -- --production-load` end to end, as a user runs it, at a tiny size on the test
 * server: sysbench beside each archiver and alone, every archiver run verified, and the report's
 * cost table holding figures for every variant. Speed is not checked here (that is the bench's job).
 */
describeProductionLoad('benchmark: cost to production (--production-load), tiny', () => {
  const prefix = `das_bench_load_${randomBytes(3).toString('hex')}`;
  const variants = ['das', 'das-throttled', 'pt-bulk'];
  let server: ServerRef;
  let outDir: string;
  let bench: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    server = serverFromUrl(testMysqlUrl() as string).server;
    outDir = mkdtempSync(join(tmpdir(), 'das-bench-load-test-'));
    const url = (database: string) => {
      const parsed = new URL(testMysqlUrl() as string);
      parsed.pathname = `/${database}`;
      return parsed.toString();
    };
    const args = [
      ...['--production-load', '--rows', '2000', '--reps', '1', '--batch', '150'],
      ...['--source-url', url(`${prefix}_source`), '--archive-url', url(`${prefix}_archive`)],
      ...['--load-rate', '50', '--load-threads', '2', '--load-tables', '1', '--load-table-size', '10000'],
      ...['--load-warmup', '1', '--load-baseline-seconds', '2', '--quiesce-max', '5'],
      // ts-node spares the compile step; the compiled worker is the same code.
      ...['--das-runtime', 'ts-node', '--out', outDir],
    ];
    const run = promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'bench/run.ts', ...args],
      {
        cwd: resolve(__dirname, '..'),
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    try {
      const { stdout, stderr } = await run;
      bench = { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      bench = { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }, 110_000);

  afterAll(async () => {
    const conn = await connect(server);
    for (const database of [`${prefix}_source`, `${prefix}_archive`, 'bench_template', LOAD_DATABASE]) {
      await conn.query(`DROP DATABASE IF EXISTS ${quoteId(database)}`);
    }
    await conn.end();
    rmSync(outDir, { recursive: true, force: true });
  });

  const results = (): BenchResults => {
    const file = readdirSync(outDir).find((name) => /^bench-.*\.json$/.test(name));
    return JSON.parse(readFileSync(join(outDir, file as string), 'utf8')) as BenchResults;
  };

  it('exits 0 with every archiver run verified and sysbench measured beside it', () => {
    expect({ code: bench.code, stderr: bench.code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });
    const { runs, productionLoad } = results();
    expect(runs.map((run) => run.variant)).toEqual(variants);
    for (const run of runs) {
      expect({ variant: run.variant, status: run.status, failures: run.failures }).toEqual({
        variant: run.variant,
        status: 'verified',
        failures: [],
      });
      expect(run.rows).toBe(run.expectedRows);
      expect(run.rows).toBeGreaterThan(0);
    }
    const windows = [...runs, ...(productionLoad?.baselines ?? [])].map((run) => ({
      variant: run.variant,
      ...run.load,
    }));
    expect(windows.map((window) => window.variant)).toEqual([...variants, 'none']);
    for (const window of windows) {
      expect(window).toEqual({
        variant: window.variant,
        transactions: expect.any(Number),
        tps: expect.any(Number),
        errors: expect.any(Number),
        reconnects: 0,
        latencyMs: {
          min: expect.any(Number),
          avg: expect.any(Number),
          max: expect.any(Number),
          p95: expect.any(Number),
          p99: expect.any(Number),
        },
        seconds: expect.any(Number),
        targetTps: 50,
      });
      const { latencyMs } = window as Required<typeof window>;
      expect(window.transactions).toBeGreaterThan(0);
      expect(window.tps).toBeGreaterThan(0);
      expect(latencyMs.min).toBeGreaterThan(0);
      expect(latencyMs.p95).toBeGreaterThanOrEqual(latencyMs.min);
      expect(latencyMs.p99).toBeGreaterThanOrEqual(latencyMs.p95);
      expect(latencyMs.max).toBeGreaterThanOrEqual(latencyMs.p99 * 0.98);
    }
    // The baseline measured as long as asked.
    expect(productionLoad?.baselines[0]).toMatchObject({ status: 'measured', seconds: 2 });
  });

  it("prints the cost table: every variant with its rows/s and sysbench's tps, p95, p99, errors and reconnects", () => {
    const report = readFileSync(
      join(outDir, readdirSync(outDir).find((name) => name.endsWith('.md')) as string),
      'utf8',
    );
    expect(bench.stdout).toContain(report.trim().split('\n')[0]);
    const table = report.slice(report.indexOf('### Cost to production'));
    const figure = '\\d+(?:\\.\\d+)?';
    for (const variant of variants) {
      // | variant | rows/s | verified | DAS ÷ this | window s | tps | p95 | p99 | p99 vs none | errors | reconnects | paused |
      expect(table).toMatch(
        new RegExp(
          `^\\| ${variant} \\| [\\d,]+ \\| 1/1 \\| [^|]* \\| ${figure} \\| ${figure} \\| ${figure} \\| ${figure} \\| [+−]${figure} \\| \\d+ \\| 0 \\| [^|]* \\|$`,
          'm',
        ),
      );
    }
    expect(table).toMatch(
      new RegExp(
        `^\\| none \\| – \\| 1/1 measured \\| {2}\\| ${figure} \\| ${figure} \\| ${figure} \\| ${figure} \\| {2}\\| \\d+ \\| 0 \\| {2}\\|$`,
        'm',
      ),
    );
    expect(table).toMatch(
      /^- das: \d+\.\d+× pt-bulk's rows\/s, sysbench p99 [+−]\d+\.\d ms against [+−]\d+\.\d ms beside pt-bulk: \*\*(met|not met.*)\*\*$/m,
    );
    expect(table).toMatch(/^- das-throttled: \d+\.\d+× pt-bulk's rows\/s/m);
  });
});
