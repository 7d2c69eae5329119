import { JobKind, JobRun } from '../runs/entities/job-run.entity';
import { RunEvents } from '../runs/run-events';
import { parseExposition, samplesOf, valueOf } from '../../test/support/exposition';
import { DasMetrics } from './das-metrics';
import { RunMetrics } from './run-metrics';

function run(id: number, job: JobKind, tableName: string, end: Partial<JobRun> = {}): JobRun {
  return Object.assign(new JobRun(), {
    id,
    job,
    sourceConnection: 'source',
    tableName,
    status: 'running',
    rowsArchived: 0,
    rowsPurged: 0,
    batches: 0,
    dryRun: false,
    finishedAt: null,
    ...end,
  });
}

describe('RunMetrics', () => {
  let metrics: DasMetrics;
  let events: RunEvents;
  const scrape = async () => parseExposition(await metrics.render());

  beforeEach(() => {
    metrics = new DasMetrics({ processMetrics: false });
    events = new RunEvents();
    const runs = new RunMetrics(metrics);
    events.listen((event) => runs.handle(event));
  });

  it('counts rows, batches, batch times and bytes of an archive run, settled by its final record', async () => {
    const started = run(1, 'archive', 'orders');
    events.publish({ kind: 'started', run: started });
    expect(valueOf(await scrape(), 'das_runs_running', { job: 'archive' })).toBe(1);
    events.publish({
      kind: 'batch',
      run: started,
      progress: { rows: 10, batches: 1, lastKey: [10], batch: { rows: 10, seconds: 0.02, bytes: 1500 } },
    });
    events.publish({
      kind: 'batch',
      run: started,
      progress: { rows: 20, batches: 2, lastKey: [20], batch: { rows: 10, seconds: 3, bytes: 500 } },
    });
    // The final record counts one more batch, which committed behind a failed one.
    const finishedAt = new Date('2026-12-01T10:00:00Z');
    events.publish({
      kind: 'finished',
      run: run(1, 'archive', 'orders', { status: 'succeeded', rowsArchived: 25, batches: 3, finishedAt }),
    });

    const samples = await scrape();
    expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'orders' })).toBe(25);
    expect(samplesOf(samples, 'das_rows_purged_total')).toEqual([]);
    expect(valueOf(samples, 'das_batches_total', { job: 'archive', connection: 'source', table: 'orders' })).toBe(3);
    expect(valueOf(samples, 'das_batch_bytes_total', { job: 'archive', connection: 'source', table: 'orders' })).toBe(
      2000,
    );
    expect(valueOf(samples, 'das_batch_duration_seconds_count', { job: 'archive' })).toBe(2);
    expect(valueOf(samples, 'das_batch_duration_seconds_sum', { job: 'archive' })).toBeCloseTo(3.02);
    expect(valueOf(samples, 'das_batch_duration_seconds_bucket', { job: 'archive', le: '0.025' })).toBe(1);
    expect(valueOf(samples, 'das_batch_duration_seconds_bucket', { job: 'archive', le: '2.5' })).toBe(1);
    expect(valueOf(samples, 'das_batch_duration_seconds_bucket', { job: 'archive', le: '5' })).toBe(2);
    expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'failed' })).toBe(0);
    expect(valueOf(samples, 'das_runs_running', { job: 'archive' })).toBe(0);
    expect(
      valueOf(samples, 'das_last_success_timestamp_seconds', { job: 'archive', connection: 'source', table: 'orders' }),
    ).toBe(finishedAt.getTime() / 1000);
  });

  it('counts purged rows apart from archived ones, and a batch moved inside the server as 0 bytes', async () => {
    const purge = run(2, 'purge', 'orders');
    events.publish({ kind: 'started', run: purge });
    events.publish({
      kind: 'batch',
      run: purge,
      progress: { rows: 7, batches: 1, lastKey: [7], batch: { rows: 7, seconds: 0.1 } },
    });
    events.publish({
      kind: 'finished',
      run: run(2, 'purge', 'orders', { status: 'failed', rowsPurged: 7, batches: 1 }),
    });

    const samples = await scrape();
    expect(valueOf(samples, 'das_rows_purged_total', { connection: 'source', table: 'orders' })).toBe(7);
    expect(valueOf(samples, 'das_batch_bytes_total', { job: 'purge', connection: 'source', table: 'orders' })).toBe(0);
    expect(valueOf(samples, 'das_runs_total', { job: 'purge', status: 'failed' })).toBe(1);
    expect(samplesOf(samples, 'das_last_success_timestamp_seconds')).toEqual([]);
  });

  it('counts a skipped attempt without ever showing it running', async () => {
    events.publish({ kind: 'finished', run: run(3, 'archive', 'orders', { status: 'skipped' }) });

    const samples = await scrape();
    expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'skipped' })).toBe(1);
    expect(valueOf(samples, 'das_runs_running', { job: 'archive' })).toBe(0);
  });

  it('never takes a dry run for a success', async () => {
    events.publish({ kind: 'started', run: run(4, 'archive', 'orders', { dryRun: true }) });
    events.publish({
      kind: 'finished',
      run: run(4, 'archive', 'orders', { status: 'succeeded', dryRun: true, finishedAt: new Date() }),
    });

    const samples = await scrape();
    expect(valueOf(samples, 'das_runs_total', { job: 'archive', status: 'succeeded' })).toBe(1);
    expect(samplesOf(samples, 'das_last_success_timestamp_seconds')).toEqual([]);
  });

  it('shows runs paused by reason while they are paused, and none once resumed or ended', async () => {
    const first = run(5, 'archive', 'orders');
    const second = run(6, 'purge', 'invoices');
    events.publish({ kind: 'started', run: first });
    events.publish({ kind: 'started', run: second });
    expect(valueOf(await scrape(), 'das_run_paused', { reason: 'replica-lag' })).toBe(0);

    events.publish({ kind: 'paused', run: first, reason: 'replica-lag', message: 'replica lag 12 s > 5 s' });
    events.publish({ kind: 'paused', run: second, reason: 'replica-lag', message: 'replica lag 12 s > 5 s' });
    expect(valueOf(await scrape(), 'das_run_paused', { reason: 'replica-lag' })).toBe(2);

    events.publish({ kind: 'paused', run: second, reason: 'threads-running', message: 'Threads_running 80 > 50' });
    let samples = await scrape();
    expect(valueOf(samples, 'das_run_paused', { reason: 'replica-lag' })).toBe(1);
    expect(valueOf(samples, 'das_run_paused', { reason: 'threads-running' })).toBe(1);

    events.publish({ kind: 'paused', run: first, reason: null, message: null });
    events.publish({ kind: 'finished', run: run(6, 'purge', 'invoices', { status: 'stopped' }) });
    samples = await scrape();
    expect(valueOf(samples, 'das_run_paused', { reason: 'replica-lag' })).toBe(0);
    expect(valueOf(samples, 'das_run_paused', { reason: 'threads-running' })).toBe(0);
  });

  it('folds a reason that is not a plain name into "other", keeping the label bounded', async () => {
    const paused = run(7, 'archive', 'orders');
    events.publish({ kind: 'started', run: paused });
    events.publish({ kind: 'paused', run: paused, reason: 'Replica "db2" lag!', message: null });

    expect(valueOf(await scrape(), 'das_run_paused', { reason: 'other' })).toBe(1);
  });
});
