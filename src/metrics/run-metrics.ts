import type { JobRun } from '../runs/entities/job-run.entity';
import type { RunEvent } from '../runs/run-events';
import { DasMetrics } from './das-metrics';
import { jobTableLabels, pauseReasonLabel } from './metric-labels';

/** What this process has already counted of a run it is executing. */
interface CountedRun {
  rows: number;
  batches: number;
  /** Why it is paused now, as a label value; null while it works. */
  pausedFor: string | null;
}

/**
 * Turns the job runner's run events into metrics. Batch events carry the run's totals, so rows and
 * batches are counted as the difference to what was counted before; the final record settles the
 * rest (a batch that committed behind a failed one is reported only at the end). The counters thus
 * add up to exactly what the run records say.
 */
export class RunMetrics {
  private readonly runs = new Map<number, CountedRun>();

  constructor(private readonly metrics: DasMetrics) {}

  handle(event: RunEvent): void {
    switch (event.kind) {
      case 'started':
        this.runs.set(event.run.id, { rows: 0, batches: 0, pausedFor: null });
        this.metrics.runStarted(event.run.job);
        break;
      case 'batch': {
        const counted = this.counted(event.run);
        this.countUpTo(event.run, counted, event.progress.rows, event.progress.batches);
        if (event.progress.batch) {
          const { seconds, bytes } = event.progress.batch;
          this.metrics.observeBatch(jobTableLabels(event.run), seconds, bytes ?? 0);
        }
        break;
      }
      case 'paused':
        this.counted(event.run).pausedFor = event.reason === null ? null : pauseReasonLabel(event.reason);
        this.publishPauses();
        break;
      case 'finished':
        this.finished(event.run);
        break;
    }
  }

  private finished(run: JobRun): void {
    const counted = this.runs.get(run.id);
    if (run.status === 'running') {
      return;
    }
    if (counted) {
      this.countUpTo(run, counted, run.job === 'archive' ? run.rowsArchived : run.rowsPurged, run.batches);
      this.runs.delete(run.id);
      if (counted.pausedFor !== null) {
        this.publishPauses();
      }
    }
    this.metrics.runEnded(run.job, run.status, counted !== undefined);
    if (run.status === 'succeeded' && !run.dryRun) {
      this.metrics.recordSuccess(jobTableLabels(run), run.finishedAt ?? new Date());
    }
  }

  /** A run first seen mid-way (events are never expected to be missed, but a listener may join late). */
  private counted(run: JobRun): CountedRun {
    let counted = this.runs.get(run.id);
    if (!counted) {
      counted = { rows: 0, batches: 0, pausedFor: null };
      this.runs.set(run.id, counted);
      this.metrics.runStarted(run.job);
    }
    return counted;
  }

  private countUpTo(run: JobRun, counted: CountedRun, rows: number, batches: number): void {
    const labels = jobTableLabels(run);
    this.metrics.countRows(labels, rows - counted.rows);
    this.metrics.countBatches(labels, batches - counted.batches);
    counted.rows = Math.max(counted.rows, rows);
    counted.batches = Math.max(counted.batches, batches);
  }

  private publishPauses(): void {
    const byReason = new Map<string, number>();
    for (const { pausedFor } of this.runs.values()) {
      if (pausedFor !== null) {
        byReason.set(pausedFor, (byReason.get(pausedFor) ?? 0) + 1);
      }
    }
    this.metrics.setPausedRuns(byReason);
  }
}
