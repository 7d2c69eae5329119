/**
 * The cost-to-production table: each archiver's speed beside sysbench's latency, errors and rate
 * over exactly its run, next to sysbench alone (`none`) in the same rounds, and the goal of
 * issue 25 checked on those figures.
 */
import { BenchResults, RunRecord, Skipped, median, summarise } from '../report';
import { LOAD_BASELINE } from '../options';
import { BaselineRecord } from './baseline';
import { LoadWindow } from './sysbench';

/** The peer DAS must beat, and by how much. */
const GOAL_PEER = 'pt-bulk';
const GOAL_SPEEDUP = 2;
const DAS_VARIANTS = ['das', 'das-throttled'];

/** One row of the table: an archiver's runs (or the baseline's) with the load beside them. */
export interface LoadSummary {
  variant: string;
  /** Archivers: verified runs / runs. The baseline: measured windows / windows. */
  good: number;
  total: number;
  /** Archivers only: median rows/s over the verified runs, and DAS's median divided by it. */
  medianRowsPerSecond?: number;
  dasRatio?: number;
  /** Medians over the windows measured (beside a verified run, for archivers). */
  medianWindowSeconds: number;
  medianTps: number;
  medianP95Ms: number;
  medianP99Ms: number;
  /** Median over the rounds of (this p99 − the baseline's p99 in the same round). */
  medianP99RiseMs?: number;
  /** Sums over the windows. */
  errors: number;
  reconnects: number;
  medianPausedSeconds?: number;
}

function loadFigures(windows: LoadWindow[]) {
  return {
    medianWindowSeconds: median(windows.map((w) => w.seconds)),
    medianTps: median(windows.map((w) => w.tps)),
    medianP95Ms: median(windows.map((w) => w.latencyMs.p95)),
    medianP99Ms: median(windows.map((w) => w.latencyMs.p99)),
    errors: windows.reduce((sum, w) => sum + w.errors, 0),
    reconnects: windows.reduce((sum, w) => sum + w.reconnects, 0),
  };
}

/** Archivers in `variants` order, then the baseline (when it ran). */
export function summariseLoad(runs: RunRecord[], baselines: BaselineRecord[], variants: string[]): LoadSummary[] {
  const archivers = variants.filter((variant) => variant !== LOAD_BASELINE);
  const speeds = summarise(runs, archivers);
  const baselineP99 = (run: RunRecord) =>
    baselines.find((b) => b.rep === run.rep && b.topology === run.topology && b.load)?.load?.latencyMs.p99;
  const rows: LoadSummary[] = speeds.map((speed) => {
    const measured = runs.filter(
      (run): run is RunRecord & { load: LoadWindow } =>
        run.variant === speed.variant && run.status === 'verified' && run.load !== undefined,
    );
    const rises = measured.flatMap((run) => {
      const base = baselineP99(run);
      return base === undefined ? [] : [run.load.latencyMs.p99 - base];
    });
    const paused = measured.map((run) => run.pausedSeconds ?? 0);
    return {
      variant: speed.variant,
      good: speed.verifiedRuns,
      total: speed.runs,
      medianRowsPerSecond: speed.medianRowsPerSecond,
      dasRatio: speed.dasRatio,
      ...loadFigures(measured.map((run) => run.load)),
      medianP99RiseMs: rises.length ? median(rises) : undefined,
      medianPausedSeconds: speed.variant.startsWith('das') && paused.length ? median(paused) : undefined,
    };
  });
  if (variants.includes(LOAD_BASELINE) && baselines.length > 0) {
    const measured = baselines.flatMap((b) => (b.load ? [b.load] : []));
    rows.push({ variant: LOAD_BASELINE, good: measured.length, total: baselines.length, ...loadFigures(measured) });
  }
  return rows;
}

const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(1));
const signedMs = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '' : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;
const int = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '–' : Math.round(value).toLocaleString('en-US');

/** The goal of issue 25 for each DAS variant, from the medians above (null: not measurable here). */
export function goalVerdicts(rows: LoadSummary[]): string[] {
  const peer = rows.find((row) => row.variant === GOAL_PEER);
  const lines: string[] = [];
  for (const das of rows.filter((row) => DAS_VARIANTS.includes(row.variant))) {
    const speedup = (das.medianRowsPerSecond ?? NaN) / (peer?.medianRowsPerSecond ?? NaN);
    const dasRise = das.medianP99RiseMs;
    const peerRise = peer?.medianP99RiseMs;
    if (!Number.isFinite(speedup) || dasRise === undefined || peerRise === undefined) {
      lines.push(
        `- ${das.variant}: not measured (needs verified runs of it and ${GOAL_PEER}, and none in the same rounds)`,
      );
      continue;
    }
    const fastEnough = speedup >= GOAL_SPEEDUP;
    const gentleEnough = dasRise <= peerRise;
    const verdict =
      fastEnough && gentleEnough
        ? 'met'
        : `not met (${[fastEnough ? '' : 'rows/s', gentleEnough ? '' : 'p99'].filter(Boolean).join(' and ')})`;
    lines.push(
      `- ${das.variant}: ${speedup.toFixed(2)}× ${GOAL_PEER}'s rows/s, sysbench p99 ${signedMs(dasRise)} ms ` +
        `against ${signedMs(peerRise)} ms beside ${GOAL_PEER}: **${verdict}**`,
    );
  }
  return lines;
}

/** The table for one topology, with the failures and the goal under it. */
export function formatCostTable(
  title: string,
  runs: RunRecord[],
  baselines: BaselineRecord[],
  variants: string[],
  skipped: Skipped[],
): string {
  const lines = [
    `### ${title}`,
    '',
    '| variant | archiver rows/s | verified | DAS ÷ this | window s | sysbench tps | p95 ms | p99 ms | p99 vs none | errors | reconnects | DAS paused s |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = summariseLoad(runs, baselines, variants);
  for (const row of rows) {
    const skip = skipped.find((item) => item.variant === row.variant);
    if (skip) {
      lines.push(`| ${row.variant} | ${skip.kind} | ${skip.reason.replace(/\|/g, '/')} | | | | | | | | | |`);
      continue;
    }
    if (row.total === 0) {
      continue;
    }
    const baseline = row.variant === LOAD_BASELINE;
    const counted = `${row.good}/${row.total}${baseline ? ' measured' : ''}${row.good < row.total ? ' **FAILED**' : ''}`;
    lines.push(
      `| ${row.variant} | ${baseline ? '–' : int(row.medianRowsPerSecond)} | ${counted} | ${
        row.dasRatio === undefined ? '' : `${row.dasRatio.toFixed(2)}×`
      } | ${ms(row.medianWindowSeconds)} | ${ms(row.medianTps)} | ${ms(row.medianP95Ms)} | ${ms(row.medianP99Ms)} | ${signedMs(
        row.medianP99RiseMs,
      )} | ${row.errors} | ${row.reconnects} | ${row.medianPausedSeconds === undefined ? '' : ms(row.medianPausedSeconds)} |`,
    );
  }
  for (const failed of [...runs, ...baselines].filter((run) => run.status === 'failed')) {
    lines.push(
      '',
      `- ${failed.variant} round ${failed.rep} FAILED: ${failed.failures.join('; ')} (log: ${failed.log})`,
    );
  }
  lines.push(
    '',
    `Goal (issue 25): DAS at ≥ ${GOAL_SPEEDUP}× ${GOAL_PEER}'s rows/s while sysbench's p99 rises no more than beside ${GOAL_PEER}.`,
    ...goalVerdicts(rows),
  );
  return lines.join('\n');
}

/** The cost-to-production section of the report: one table per topology measured. */
export function formatCostReport(results: BenchResults): string {
  const load = results.productionLoad;
  if (!load) {
    return '';
  }
  const { rate, threads, tables, tableSize, warmupSeconds } = load.options;
  const sections = results.topologies.map((topology) =>
    formatCostTable(
      `Cost to production, archive job, ${topology === 'same' ? 'one server' : 'two servers'}: sysbench ${
        load.sysbench ?? '?'
      } oltp_read_write at ${rate} tps (${threads} threads, ${tables}×${tableSize.toLocaleString('en-US')} rows) ` +
        `on the source server, ${warmupSeconds} s warm-up left out; ${results.options.reps} round(s)`,
      results.runs.filter((run) => run.job === 'archive' && run.topology === topology),
      load.baselines.filter((baseline) => baseline.topology === topology),
      results.variants,
      results.skipped.filter((item) => item.job === 'archive' && item.topology === topology),
    ),
  );
  return `${sections.join('\n\n')}\n`;
}
