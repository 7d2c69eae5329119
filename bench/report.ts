import { CpuUse } from './cpu';
import type { BaselineRecord } from './load/baseline';
import { LoadWindow } from './load/sysbench';
import { MachineInfo } from './machine';
import { Job, Topology } from './movers/mover';
import { ProductionLoadOptions } from './options';

export type RunStatus = 'verified' | 'failed' | 'unavailable';

/** One timed run, as written to the JSON results. */
export interface RunRecord {
  rep: number;
  job: Job;
  topology: Topology;
  variant: string;
  startedAt: string;
  status: RunStatus;
  cutoff: string;
  expectedRows: number;
  /** Rows that left the shrinking table (source, or archive for purge). */
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  failures: string[];
  engineSeconds?: number;
  batches?: number;
  maxRssKb?: number;
  transfer?: string;
  /** das-throttled: seconds paused between batches because the server was busy. */
  pausedSeconds?: number;
  /** Copying the fresh data and waiting for InnoDB before the run (not timed into the figure). */
  prepareSeconds: number;
  quiesceSeconds: number;
  /** 1-minute load average when the mover started (2 = both cores of a 2-core machine busy). */
  loadAverage: number;
  /** The whole machine's busy CPU time while the mover ran (Linux only). */
  cpu?: CpuUse;
  log: string;
  /** --production-load: sysbench over exactly the mover's run. */
  load?: LoadWindow;
}

/** A selected variant that was not run for a job/topology, with the reason. */
export interface Skipped {
  job: Job;
  topology: Topology;
  variant: string;
  /** n/a: the comparison is not defined there; unavailable: the tool is missing on this machine. */
  kind: 'n/a' | 'unavailable';
  reason: string;
}

export function median(values: number[]): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface VariantSummary {
  variant: string;
  runs: number;
  verifiedRuns: number;
  unavailable: boolean;
  medianRowsPerSecond: number;
  medianSeconds: number;
  allRowsPerSecond: number[];
  maxRssKb?: number;
  /** Median time inside the engine, without process start-up (DAS only). */
  medianEngineSeconds?: number;
  /** Median busy CPU time of the whole machine per row moved, in microseconds (Linux only). */
  medianCpuMicrosPerRow?: number;
  /** Median of busy CPU-seconds ÷ wall-clock seconds: 2.0 = both cores of a 2-core machine busy. */
  medianCoresBusy?: number;
  /** Median of stolen CPU-seconds ÷ wall-clock seconds: cores' worth the hypervisor ran elsewhere. */
  medianCoresStolen?: number;
  /** DAS's median rows/s divided by this variant's. */
  dasRatio?: number;
}

/** Medians over the verified runs only: a failed run has no meaningful speed. */
export function summarise(runs: RunRecord[], variants: string[]): VariantSummary[] {
  const summaries = variants.map((variant): VariantSummary => {
    const mine = runs.filter((run) => run.variant === variant);
    const verified = mine.filter((run) => run.status === 'verified');
    const rss = verified.map((run) => run.maxRssKb).filter((kb): kb is number => kb !== undefined);
    const engine = verified.map((run) => run.engineSeconds).filter((s): s is number => s !== undefined);
    const measured = verified.filter((run): run is RunRecord & { cpu: CpuUse } => run.cpu !== undefined);
    const stolen = measured.flatMap(({ cpu }) =>
      cpu.stolenSeconds === undefined ? [] : [coresOf(cpu.stolenSeconds, cpu)],
    );
    return {
      variant,
      runs: mine.length,
      verifiedRuns: verified.length,
      unavailable: mine.length > 0 && mine.every((run) => run.status === 'unavailable'),
      medianRowsPerSecond: median(verified.map((run) => run.rowsPerSecond)),
      medianSeconds: median(verified.map((run) => run.seconds)),
      allRowsPerSecond: mine.filter((run) => run.status !== 'unavailable').map((run) => run.rowsPerSecond),
      maxRssKb: rss.length ? Math.max(...rss) : undefined,
      medianEngineSeconds: engine.length ? median(engine) : undefined,
      medianCpuMicrosPerRow: measured.length
        ? median(measured.filter((run) => run.rows > 0).map((run) => (run.cpu.seconds * 1e6) / run.rows))
        : undefined,
      medianCoresBusy: measured.length ? median(measured.map(({ cpu }) => coresOf(cpu.seconds, cpu))) : undefined,
      medianCoresStolen: stolen.length ? median(stolen) : undefined,
    };
  });
  const das = summaries.find((summary) => summary.variant === 'das');
  for (const summary of summaries) {
    if (das && summary !== das && das.verifiedRuns > 0 && summary.verifiedRuns > 0) {
      summary.dasRatio = das.medianRowsPerSecond / summary.medianRowsPerSecond;
    }
  }
  return summaries;
}

/** CPU-seconds spent during a run as cores' worth: 2.0 = both cores of a 2-core machine all along. */
const coresOf = (cpuSeconds: number, cpu: CpuUse) => cpuSeconds / Math.max(cpu.windowSeconds, 1e-3);

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? '' : value.toFixed(digits);
const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');

/** A Markdown table for one topology and job. */
export function formatTable(title: string, runs: RunRecord[], variants: string[], skipped: Skipped[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| variant | median rows/s | median s | all runs, rows/s | verified | DAS ÷ this | in-engine s | peak RSS | CPU µs/row | cores busy | cores stolen |',
    '| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const summary of summarise(runs, variants)) {
    const skip = skipped.find((item) => item.variant === summary.variant);
    if (skip) {
      lines.push(`| ${summary.variant} | ${skip.kind} | | ${skip.reason.replace(/\|/g, '/')} | | | | | | | |`);
    } else if (summary.unavailable) {
      lines.push(`| ${summary.variant} | unavailable | | ${firstFailure(runs, summary.variant)} | | | | | | | |`);
    } else if (summary.runs > 0) {
      lines.push(
        `| ${summary.variant} | ${int(summary.medianRowsPerSecond)} | ${
          Number.isFinite(summary.medianSeconds) ? summary.medianSeconds.toFixed(1) : '–'
        } | ${summary.allRowsPerSecond.map(int).join(', ')} | ${summary.verifiedRuns}/${summary.runs}${
          summary.verifiedRuns < summary.runs ? ' **FAILED**' : ''
        } | ${summary.dasRatio === undefined ? '' : `${summary.dasRatio.toFixed(2)}×`} | ${fixed(
          summary.medianEngineSeconds,
          1,
        )} | ${summary.maxRssKb === undefined ? '' : `${(summary.maxRssKb / 1024).toFixed(0)} MiB`} | ${fixed(
          summary.medianCpuMicrosPerRow,
          1,
        )} | ${fixed(summary.medianCoresBusy, 2)} | ${fixed(summary.medianCoresStolen, 2)} |`,
      );
    }
  }
  const failures = runs.filter((run) => run.status === 'failed');
  for (const run of failures) {
    lines.push('', `- ${run.variant} round ${run.rep} FAILED: ${run.failures.join('; ')} (log: ${run.log})`);
  }
  return lines.join('\n');
}

function firstFailure(runs: RunRecord[], variant: string): string {
  return (runs.find((run) => run.variant === variant)?.failures[0] ?? '').replace(/\|/g, '/');
}

/** Everything one `npm run bench` produced: written as JSON after every run, and at the end. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  options: Record<string, unknown> & { rows: number; reps: number; batch: number };
  machine: MachineInfo;
  jobs: Job[];
  topologies: Topology[];
  variants: string[];
  skipped: Skipped[];
  runs: RunRecord[];
  /** --production-load: the workload, and its windows with no archiver beside it (`none`). */
  productionLoad?: {
    options: ProductionLoadOptions;
    sysbench: string | null;
    /** das-throttled's limit. */
    maxThreadsRunning: number;
    prepareSeconds: number;
    baselines: BaselineRecord[];
  };
}

/** The whole report: a header line and one table per job and topology. */
export function formatReport(results: BenchResults): string {
  const { machine, options } = results;
  const header =
    `DAS benchmark ${results.startedAt} — ${machine.cpus} CPUs (${machine.cpuModel}), ` +
    `MariaDB ${machine.servers[0]?.version ?? '?'}, pt-archiver ${machine.ptArchiver ?? 'not installed'}, ` +
    `DAS worker ${machine.dasRuntime ?? '–'}, git ${machine.gitCommit ?? '?'}`;
  const sections = results.jobs.flatMap((job) =>
    results.topologies.map((topology) =>
      formatTable(
        `${job} job, ${topology === 'same' ? 'one server' : 'two servers'} ` +
          `(${options.rows.toLocaleString('en-US')} rows seeded, batch ${options.batch}, ${options.reps} round(s))`,
        results.runs.filter((run) => run.job === job && run.topology === topology),
        results.variants,
        results.skipped.filter((item) => item.job === job && item.topology === topology),
      ),
    ),
  );
  return `${header}\n\n${sections.join('\n\n')}\n`;
}
