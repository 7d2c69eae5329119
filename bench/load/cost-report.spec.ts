import { RunRecord } from '../report';
import { BaselineRecord } from './baseline';
import { formatCostTable, goalVerdicts, summariseLoad } from './cost-report';
import { LoadWindow } from './sysbench';

const window = (p99: number, extra: Partial<LoadWindow> = {}): LoadWindow => ({
  transactions: 1000,
  tps: 200,
  errors: 0,
  reconnects: 0,
  latencyMs: { min: 1, avg: 5, max: p99 + 10, p95: p99 / 2, p99 },
  seconds: 5,
  targetTps: 200,
  ...extra,
});

const run = (variant: string, rep: number, rowsPerSecond: number, load: LoadWindow, extra: Partial<RunRecord> = {}) =>
  ({
    ...{ rep, job: 'archive', topology: 'same', variant, startedAt: '', status: 'verified', cutoff: '' },
    ...{ expectedRows: 1000, rows: 1000, seconds: 1000 / rowsPerSecond, rowsPerSecond, failures: [] },
    ...{ prepareSeconds: 0, quiesceSeconds: 0, loadAverage: 0, log: `${variant}.log`, load },
    ...extra,
  }) as RunRecord;

const baseline = (rep: number, p99: number): BaselineRecord => ({
  ...{ rep, topology: 'same', variant: 'none', startedAt: '', status: 'measured', seconds: 5 },
  ...{ load: window(p99), failures: [], loadAverage: 0, log: 'none.log' },
});

describe('cost to production: figures beside each archiver against sysbench alone', () => {
  const variants = ['das', 'das-throttled', 'pt-bulk', 'none'];
  // Round 2 is slow for everything (a busy machine): paired with its own baseline, it rises as much.
  const runs = [
    run('das', 1, 60_000, window(30, { errors: 1 }), { pausedSeconds: 0 }),
    run('das-throttled', 1, 45_000, window(22), { pausedSeconds: 3 }),
    run('pt-bulk', 1, 25_000, window(28)),
    run('das', 2, 50_000, window(130, { errors: 2 }), { pausedSeconds: 0 }),
    run('das-throttled', 2, 40_000, window(121), { pausedSeconds: 5 }),
    run('pt-bulk', 2, 24_000, window(126)),
  ];
  const baselines = [baseline(1, 20), baseline(2, 120)];

  it("pairs each run's p99 with sysbench alone in the same round, sums errors, and takes medians", () => {
    const [das, throttled, pt, none] = summariseLoad(runs, baselines, variants);
    expect(das).toMatchObject({ variant: 'das', good: 2, total: 2, medianRowsPerSecond: 55_000, errors: 3 });
    // Rises 10 and 10, although the p99s are 30 and 130.
    expect(das.medianP99RiseMs).toBe(10);
    expect(das.medianP99Ms).toBe(80);
    expect(throttled).toMatchObject({ medianP99RiseMs: 1.5, medianPausedSeconds: 4 });
    expect(pt).toMatchObject({ medianP99RiseMs: 7, medianPausedSeconds: undefined });
    expect(pt.dasRatio).toBeCloseTo(55_000 / 24_500, 6);
    expect(none).toMatchObject({ variant: 'none', good: 2, total: 2, medianP99Ms: 70, medianTps: 200 });
  });

  it('checks the goal: at least 2× pt-bulk and a p99 rise no larger than beside pt-bulk', () => {
    expect(goalVerdicts(summariseLoad(runs, baselines, variants))).toEqual([
      "- das: 2.24× pt-bulk's rows/s, sysbench p99 +10.0 ms against +7.0 ms beside pt-bulk: **not met (p99)**",
      "- das-throttled: 1.73× pt-bulk's rows/s, sysbench p99 +1.5 ms against +7.0 ms beside pt-bulk: **not met (rows/s)**",
    ]);
    const gentler = runs.map((r) => (r.variant === 'das' ? { ...r, load: window(r.load!.latencyMs.p99 - 5) } : r));
    expect(goalVerdicts(summariseLoad(gentler, baselines, variants))[0]).toMatch(
      /\+5\.0 ms against \+7\.0 ms .*\*\*met\*\*$/,
    );
    // Without sysbench alone there is no rise to compare.
    expect(goalVerdicts(summariseLoad(runs, [], variants))[0]).toMatch(/^- das: not measured/);
  });

  it('leaves failed runs out of the figures and lists them under the table', () => {
    const failed = run('das', 3, 90_000, window(500), {
      status: 'failed',
      failures: ['the load beside it: sysbench failed'],
    });
    const table = formatCostTable('t', [...runs, failed], baselines, variants, []);
    expect(table).toMatch(
      /^\| das \| 55,000 \| 2\/3 \*\*FAILED\*\* \| {2}\| 5\.0 \| 200\.0 \| 40\.0 \| 80\.0 \| \+10\.0 \| 3 \| 0 \| 0\.0 \|$/m,
    );
    expect(table).toMatch(
      /^\| none \| – \| 2\/2 measured \| {2}\| 5\.0 \| 200\.0 \| 35\.0 \| 70\.0 \| {2}\| 0 \| 0 \| {2}\|$/m,
    );
    expect(table).toContain('- das round 3 FAILED: the load beside it: sysbench failed (log: das.log)');
  });
});
