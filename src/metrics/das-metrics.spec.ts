import { parseExposition, samplesOf, valueOf } from '../../test/support/exposition';
import { DasMetrics } from './das-metrics';

describe('DasMetrics', () => {
  const scrape = async (metrics: DasMetrics) => parseExposition(await metrics.render());

  it('gives every job and final status, and every known pause reason, a series from the start', async () => {
    const samples = await scrape(new DasMetrics({ processMetrics: false }));
    for (const job of ['archive', 'purge']) {
      expect(valueOf(samples, 'das_runs_running', { job })).toBe(0);
      for (const status of ['succeeded', 'failed', 'skipped', 'stopped']) {
        expect(valueOf(samples, 'das_runs_total', { job, status })).toBe(0);
      }
    }
    expect(valueOf(samples, 'das_run_paused', { reason: 'replica-lag' })).toBe(0);
    expect(valueOf(samples, 'das_run_paused', { reason: 'threads-running' })).toBe(0);
  });

  it('gives a tracked table its counters at 0', async () => {
    const metrics = new DasMetrics({ processMetrics: false });
    metrics.trackTable({ connection: 'source', table: 'orders' });

    const samples = await scrape(metrics);
    expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'orders' })).toBe(0);
    expect(valueOf(samples, 'das_rows_purged_total', { connection: 'source', table: 'orders' })).toBe(0);
    expect(valueOf(samples, 'das_batches_total', { job: 'purge', connection: 'source', table: 'orders' })).toBe(0);
    expect(valueOf(samples, 'das_batch_bytes_total', { job: 'archive', connection: 'source', table: 'orders' })).toBe(
      0,
    );
  });

  it('never moves a last success back to an older time', async () => {
    const metrics = new DasMetrics({ processMetrics: false });
    const labels = { job: 'archive' as const, connection: 'source', table: 'orders' };
    metrics.recordSuccess(labels, new Date('2026-12-02T00:00:00Z'));
    metrics.recordSuccess(labels, new Date('2026-12-01T00:00:00Z'));

    expect(valueOf(await scrape(metrics), 'das_last_success_timestamp_seconds', labels)).toBe(
      Date.parse('2026-12-02T00:00:00Z') / 1000,
    );
  });

  it('keeps state series only for the tables still retained, and counters for all', async () => {
    const metrics = new DasMetrics({ processMetrics: false });
    const sampledAt = new Date('2026-12-02T00:00:00Z');
    for (const table of ['orders', 'invoices']) {
      metrics.trackTable({ connection: 'source', table });
      metrics.recordSuccess({ job: 'archive', connection: 'source', table }, sampledAt);
      metrics.setBacklog({ connection: 'source', table }, { rows: 5, capped: false, sampledAt });
    }
    metrics.retainTables([{ connection: 'source', table: 'orders' }]);

    const samples = await scrape(metrics);
    expect(samplesOf(samples, 'das_last_success_timestamp_seconds').map((s) => s.labels.table)).toEqual(['orders']);
    expect(samplesOf(samples, 'das_archive_backlog_rows').map((s) => s.labels.table)).toEqual(['orders']);
    expect(samplesOf(samples, 'das_archive_backlog_capped').map((s) => s.labels.table)).toEqual(['orders']);
    expect(samplesOf(samples, 'das_archive_backlog_sampled_timestamp_seconds').map((s) => s.labels.table)).toEqual([
      'orders',
    ]);
    expect(valueOf(samples, 'das_rows_archived_total', { connection: 'source', table: 'invoices' })).toBe(0);
  });

  it('shows a backlog, whether it is a lower bound, and when it was counted; forgetting removes all three', async () => {
    const metrics = new DasMetrics({ processMetrics: false });
    const sampledAt = new Date('2026-12-02T00:00:00Z');
    metrics.setBacklog({ connection: 'source', table: 'orders' }, { rows: 1000, capped: true, sampledAt });

    let samples = await scrape(metrics);
    expect(valueOf(samples, 'das_archive_backlog_rows', { connection: 'source', table: 'orders' })).toBe(1000);
    expect(valueOf(samples, 'das_archive_backlog_capped', { connection: 'source', table: 'orders' })).toBe(1);
    expect(
      valueOf(samples, 'das_archive_backlog_sampled_timestamp_seconds', { connection: 'source', table: 'orders' }),
    ).toBe(sampledAt.getTime() / 1000);

    metrics.forgetBacklog({ connection: 'source', table: 'orders' });
    samples = await scrape(metrics);
    expect(samples.filter((s) => s.name.startsWith('das_archive_backlog'))).toEqual([]);
  });

  it('adds Node process metrics under the das_ prefix when asked, in its own registry', async () => {
    const withProcess = new DasMetrics({ processMetrics: true });
    const other = new DasMetrics({ processMetrics: true });
    const names = new Set((await scrape(withProcess)).map((sample) => sample.name));

    expect(names).toContain('das_process_cpu_seconds_total');
    expect(names).toContain('das_nodejs_heap_size_used_bytes');
    expect([...names].every((name) => name.startsWith('das_'))).toBe(true);
    // Gauges named like counters, which promtool rejects, are gone; the per-type gauge stays (it has
    // samples only while the process holds handles, hence the TYPE line).
    const text = await withProcess.render();
    expect(text).not.toContain('das_nodejs_active_handles_total');
    expect(text).toContain('# TYPE das_nodejs_active_handles gauge');
    expect((await scrape(other)).length).toBeGreaterThan(0);
    expect(withProcess.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
