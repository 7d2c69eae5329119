/**
 * Reads what sysbench 1.0 prints at the end of a run that had a warm-up checkpoint
 * (`--report-checkpoints=W --histogram=on --percentile=99`): the final report covers only the time
 * since the checkpoint, which is what the cost-to-production benchmark measures.
 *
 * sysbench prints one percentile per run (`--percentile`). The other comes from its latency
 * histogram, which holds every transaction since the checkpoint in 1024 logarithmic buckets from
 * 1 µs to 100 s (each value ~1.8% above the one before; a latency counts in the bucket whose value
 * is nearest on that scale): a percentile is the value of the bucket where the running count
 * reaches it — sysbench's own rule, so the 99th computed here must equal the one sysbench prints,
 * and the parser refuses output where it does not.
 */

/** sysbench's account of the window after its warm-up checkpoint. */
export interface SysbenchWindowReport {
  /** Transactions completed in the window (restarted ones count once). */
  transactions: number;
  /** Transactions per second over the window, as sysbench computes it (from the checkpoint). */
  tps: number;
  /** Errors sysbench ignored and retried the transaction after (`--mysql-ignore-errors`: deadlocks, lock wait timeouts). */
  errors: number;
  /** Reconnections after a lost connection listed in `--mysql-ignore-errors`. */
  reconnects: number;
  /** Transaction latency in ms, queueing behind the fixed rate included (sysbench 1.0 adds it). */
  latencyMs: { min: number; avg: number; max: number; p95: number; p99: number };
}

/** One line of sysbench's latency histogram: transactions whose latency fell in the bucket up to `ms`. */
export interface HistogramBucket {
  ms: number;
  count: number;
}

const HISTOGRAM_TITLE = 'Latency histogram (values are in milliseconds)';
/** `%12.3f |%-40.*s %lu`: the bucket's value, a bar of up to 40 stars, the count. */
const HISTOGRAM_LINE = /^\s*(\d+\.\d+) \|\**\s+(\d+)$/;
/** The final report prints the percentile with two decimals, the histogram its buckets with three. */
const PRINTED_PRECISION_MS = 0.006;
/**
 * At the checkpoint sysbench resets its counters, then its histogram: a transaction that ends in
 * between counts in the window's counters but in the warm-up's histogram. On a busy machine the
 * checkpoint thread can be descheduled between the two for tens of milliseconds (seen: 3 of 261
 * transactions at 50 tps, load average 9 on 2 cores). A histogram read wrongly (another section,
 * lines cut short) differs by more than this.
 */
const COUNT_TOLERANCE = { fraction: 0.02, atLeast: 20 };

export class SysbenchOutputError extends Error {}

/** The value of `field:  <number>` in the text (first match), or an error naming the field. */
function numberAfter(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}:\\s+(-?\\d+(?:\\.\\d+)?)`, 'm').exec(text);
  if (!match) {
    throw new SysbenchOutputError(`sysbench's final report has no "${label}"`);
  }
  return Number(match[1]);
}

/** The histogram lines that follow its title, up to the first line that is not one. */
export function histogramOf(lines: readonly string[]): HistogramBucket[] {
  const buckets: HistogramBucket[] = [];
  for (const line of lines) {
    const match = HISTOGRAM_LINE.exec(line);
    if (match) {
      buckets.push({ ms: Number(match[1]), count: Number(match[2]) });
    } else if (buckets.length > 0 || !/^\s*value\s+-+ distribution -+ count\s*$/.test(line)) {
      break;
    }
  }
  return buckets;
}

/** sysbench's percentile rule: the first bucket where the running count reaches round(n × pct / 100). */
export function percentileOf(buckets: readonly HistogramBucket[], percentile: number): number {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (total === 0) {
    return NaN;
  }
  const wanted = Math.floor((total * percentile) / 100 + 0.5);
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= wanted) {
      return bucket.ms;
    }
  }
  return buckets[buckets.length - 1].ms;
}

/**
 * The final report of a run started with a warm-up checkpoint and the histogram on. Throws
 * SysbenchOutputError when sysbench failed (a FATAL line), when the final report or histogram is
 * missing, or when the histogram does not agree with sysbench's own figures.
 */
export function parseSysbenchWindow(output: string): SysbenchWindowReport {
  const fatal = output.split('\n').find((line) => line.startsWith('FATAL:'));
  if (fatal) {
    throw new SysbenchOutputError(`sysbench failed: ${fatal.slice('FATAL: '.length).trim()}`);
  }
  const titleAt = output.lastIndexOf(HISTOGRAM_TITLE);
  if (titleAt < 0) {
    throw new SysbenchOutputError('sysbench printed no final latency histogram (did the run end normally?)');
  }
  if (!/^\[ *\d+s \] Checkpoint report:$/m.test(output.slice(0, titleAt))) {
    throw new SysbenchOutputError('sysbench printed no warm-up checkpoint before its final report');
  }
  const tail = output.slice(titleAt + HISTOGRAM_TITLE.length);
  const buckets = histogramOf(tail.split('\n').slice(1));
  const finalReport = tail.slice(tail.indexOf('SQL statistics:'));
  if (!tail.includes('SQL statistics:')) {
    throw new SysbenchOutputError("sysbench's final report is missing after its histogram");
  }
  const transactions = /^\s*transactions:\s+(\d+)\s+\((\d+(?:\.\d+)?) per sec\.\)/m.exec(finalReport);
  if (!transactions) {
    throw new SysbenchOutputError('sysbench\'s final report has no "transactions"');
  }
  const printedPercentile = /^\s*(\d+)th percentile:\s+(\d+(?:\.\d+)?)$/m.exec(finalReport);
  if (!printedPercentile) {
    throw new SysbenchOutputError("sysbench's final report has no percentile (run it with --percentile=99)");
  }
  const report: SysbenchWindowReport = {
    transactions: Number(transactions[1]),
    tps: Number(transactions[2]),
    errors: numberAfter(finalReport, 'ignored errors'),
    reconnects: numberAfter(finalReport, 'reconnects'),
    latencyMs: {
      min: numberAfter(finalReport, 'min'),
      avg: numberAfter(finalReport, 'avg'),
      max: numberAfter(finalReport, 'max'),
      p95: percentileOf(buckets, 95),
      p99: percentileOf(buckets, 99),
    },
  };
  checkAgreement(report, buckets, Number(printedPercentile[1]), Number(printedPercentile[2]));
  return report;
}

/** The histogram and sysbench's own figures describe the same transactions, or the parse is wrong. */
function checkAgreement(
  report: SysbenchWindowReport,
  buckets: HistogramBucket[],
  percentile: number,
  printedMs: number,
): void {
  const counted = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (report.transactions === 0 || counted === 0) {
    throw new SysbenchOutputError('sysbench completed no transaction in the window');
  }
  const tolerance = Math.max(COUNT_TOLERANCE.atLeast, report.transactions * COUNT_TOLERANCE.fraction);
  if (Math.abs(counted - report.transactions) > tolerance) {
    throw new SysbenchOutputError(
      `the latency histogram holds ${counted} transactions, sysbench counted ${report.transactions}`,
    );
  }
  const derived = percentileOf(buckets, percentile);
  if (Math.abs(derived - printedMs) > PRINTED_PRECISION_MS) {
    throw new SysbenchOutputError(
      `the ${percentile}th percentile from the histogram (${derived} ms) differs from sysbench's (${printedMs} ms)`,
    );
  }
}
