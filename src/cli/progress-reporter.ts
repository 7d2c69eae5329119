import { BatchProgress } from '../archive/engine/engine.types';
import { formatDuration } from './run-report';

/** Where progress goes: stdout, or a fake in unit specs. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Redraws of the live line on a terminal: often enough to look live, rarely enough to cost nothing. */
const TTY_REDRAW_MS = 100;
/** Lines when stdout is a file or a pipe (logs, cron mail): at most one per interval. */
const PLAIN_LINE_INTERVAL_MS = 2000;

/** One progress line: rows done / total, percent, rows/s, ETA, batches. `total` null: unknown. */
export function formatProgress(
  progress: Pick<BatchProgress, 'rows' | 'batches'>,
  total: number | null,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? (progress.rows * 1000) / elapsedMs : 0;
  const parts = [total === null ? `${progress.rows} rows` : `${progress.rows}/${total} rows`];
  if (total !== null && total > 0) {
    // More rows than counted can qualify while the run goes on (new old rows); never show > 100 %.
    parts[0] += ` (${Math.min(100, (progress.rows * 100) / total).toFixed(1)}%)`;
  }
  parts.push(`${Math.round(rate)} rows/s`);
  if (total !== null && rate > 0) {
    parts.push(`ETA ${formatDuration(Math.max(0, total - progress.rows) / rate)}`);
  }
  parts.push(`${progress.batches} ${progress.batches === 1 ? 'batch' : 'batches'}`);
  return parts.join(', ');
}

/**
 * Shows a running job's progress. On a terminal, one line rewritten in place (`\r`); otherwise
 * plain lines: the first batch at once (the run has started), then at most one every 2 s.
 */
export class ProgressReporter {
  private readonly started: number;
  private lastShown = Number.NEGATIVE_INFINITY;
  private latest: BatchProgress | null = null;
  private liveLineOpen = false;
  /** Why the run is paused, while it is. */
  private pause: string | null = null;

  constructor(
    private readonly output: ProgressOutput,
    private readonly label: string,
    private readonly total: number | null,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(progress: BatchProgress): void {
    this.latest = progress;
    const interval = this.output.isTTY ? TTY_REDRAW_MS : PLAIN_LINE_INTERVAL_MS;
    if (this.now() - this.lastShown >= interval) {
      this.show(progress);
    }
  }

  /** The run paused between batches (why), or went on (null): shown at once, on its own. */
  paused(message: string | null): void {
    if (message === this.pause) {
      return;
    }
    this.pause = message;
    this.show(this.latest ?? { rows: 0, batches: 0, lastKey: null });
  }

  /** Ends the live line (with the last numbers) so that what follows starts on a line of its own. */
  finish(): void {
    if (this.output.isTTY && this.latest) {
      this.show(this.latest);
    }
    if (this.liveLineOpen) {
      this.output.write('\n');
      this.liveLineOpen = false;
    }
  }

  private show(progress: BatchProgress): void {
    this.lastShown = this.now();
    const numbers = formatProgress(progress, this.total, this.lastShown - this.started);
    const line = `${this.label}: ${this.pause ? `paused: ${this.pause}; ` : ''}${numbers}`;
    if (this.output.isTTY) {
      // \x1b[K clears what a longer previous line left on the right.
      this.output.write(`\r${line}\x1b[K`);
      this.liveLineOpen = true;
    } else {
      this.output.write(`${line}\n`);
    }
  }
}
