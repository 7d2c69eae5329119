import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SysbenchOutputError, histogramOf, parseSysbenchWindow, percentileOf } from './sysbench-report';

/**
 * Real output of Debian's sysbench 1.0.20, captured on the benchmark machine with the command the
 * benchmark runs (bench/load/sysbench.ts): 8 threads at 200 tps, a warm-up checkpoint at 2 s, then a
 * window of ~3.4 s ended by the stop file. `window-lock-waits`: with a session holding every row of
 * sbtest1 for 1.5 s and innodb_lock_wait_timeout=1, so transactions wait, fail and are retried.
 * `lost-connection`: one of sysbench's connections killed on the server.
 */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', `sysbench-1.0.20-${name}.txt`), 'utf8');

describe("sysbench's final report over the window after the warm-up checkpoint", () => {
  it('reads the window, not the warm-up: transactions, rate, errors, latency, p95 from the histogram', () => {
    const report = parseSysbenchWindow(fixture('window'));
    // The warm-up checkpoint reported 386 transactions at 192.90 per second; the window is what follows.
    expect(report).toEqual({
      transactions: 622,
      tps: 183.3,
      errors: 0,
      reconnects: 0,
      latencyMs: { min: 1.74, avg: 6.64, max: 38.04, p95: 14.728, p99: 20.002 },
    });
  });

  it('counts the ignored errors (lock wait timeouts, retried) and the latency they cost', () => {
    const report = parseSysbenchWindow(fixture('window-lock-waits'));
    expect(report.errors).toBe(14);
    expect(report.reconnects).toBe(0);
    expect(report.transactions).toBe(763);
    // sysbench itself printed "99th percentile: 1618.78".
    expect(report.latencyMs.p99).toBe(1618.783);
    expect(report.latencyMs.p95).toBe(1479.408);
    expect(report.latencyMs.max).toBe(1725.78);
  });

  it('fails with the reason when sysbench failed (a lost connection is fatal in sysbench 1.0)', () => {
    expect(() => parseSysbenchWindow(fixture('lost-connection'))).toThrow(
      new SysbenchOutputError(
        "sysbench failed: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'BEGIN'",
      ),
    );
  });

  it('fails when the run ended without its final report, or had no warm-up checkpoint', () => {
    const output = fixture('window');
    const beforeHistogram = output.slice(0, output.indexOf('Latency histogram'));
    expect(() => parseSysbenchWindow(beforeHistogram)).toThrow(/no final latency histogram/);
    const withoutCheckpoint = output.replace(/^\[ 2s \] Checkpoint report:$/m, '');
    expect(() => parseSysbenchWindow(withoutCheckpoint)).toThrow(/no warm-up checkpoint/);
    const withoutFinalReport = output.slice(0, output.lastIndexOf('SQL statistics:'));
    expect(() => parseSysbenchWindow(withoutFinalReport)).toThrow(/final report is missing/);
  });

  it("fails when the histogram disagrees with sysbench's own percentile or count", () => {
    const output = fixture('window');
    const otherPercentile = output.replace(/(99th percentile:\s+)20\.00$/m, '$125.00');
    expect(otherPercentile).not.toBe(output);
    expect(() => parseSysbenchWindow(otherPercentile)).toThrow(
      "the 99th percentile from the histogram (20.002 ms) differs from sysbench's (25 ms)",
    );
    const moreTransactions = output.replace(/(transactions:\s+)622 /, '$1722 ');
    expect(moreTransactions).not.toBe(output);
    expect(() => parseSysbenchWindow(moreTransactions)).toThrow(
      'the latency histogram holds 621 transactions, sysbench counted 722',
    );
  });
});

describe('percentiles from the latency histogram', () => {
  it("takes sysbench's rule: the bucket where the running count reaches round(n × p / 100)", () => {
    const buckets = [
      { ms: 1, count: 50 },
      { ms: 2, count: 45 },
      { ms: 3, count: 4 },
      { ms: 4, count: 1 },
    ];
    expect(percentileOf(buckets, 50)).toBe(1);
    expect(percentileOf(buckets, 95)).toBe(2);
    expect(percentileOf(buckets, 96)).toBe(3);
    expect(percentileOf(buckets, 99)).toBe(3);
    expect(percentileOf(buckets, 100)).toBe(4);
    expect(percentileOf([], 99)).toBeNaN();
  });

  it('reads the bucket lines after the column header and stops at the first other line', () => {
    const lines = [
      '       value  ------------- distribution ------------- count',
      '       1.791 |***                                      1',
      '      12.081 |**************************************** 12',
      '    1618.783 |                                         1',
      ' ',
      '       9.000 |*** 3',
    ];
    expect(histogramOf(lines)).toEqual([
      { ms: 1.791, count: 1 },
      { ms: 12.081, count: 12 },
      { ms: 1618.783, count: 1 },
    ]);
  });
});
