import { ProgressReporter, formatProgress } from './progress-reporter';

describe('formatProgress', () => {
  it('shows rows done of the total, percent, rate, ETA and batches', () => {
    expect(formatProgress({ rows: 2500, batches: 5 }, 10_000, 2000)).toBe(
      '2500/10000 rows (25.0%), 1250 rows/s, ETA 6.0s, 5 batches',
    );
  });

  it('never shows more than 100 % when more rows qualified than were counted', () => {
    expect(formatProgress({ rows: 120, batches: 2 }, 100, 1000)).toBe(
      '120/100 rows (100.0%), 120 rows/s, ETA 0.0s, 2 batches',
    );
  });

  it('leaves out percent and ETA when the total is unknown', () => {
    expect(formatProgress({ rows: 10, batches: 1 }, null, 500)).toBe('10 rows, 20 rows/s, 1 batch');
  });
});

describe('ProgressReporter', () => {
  function reporter(isTTY: boolean) {
    let clock = 1_000;
    const written: string[] = [];
    const progress = new ProgressReporter(
      { isTTY, write: (text: string) => written.push(text) },
      'archive t',
      100,
      () => clock,
    );
    return { progress, written, advance: (ms: number) => (clock += ms) };
  }

  it('on a terminal, rewrites one line in place and ends it when the run ends', () => {
    const { progress, written, advance } = reporter(true);
    advance(1000);
    progress.update({ rows: 10, batches: 1, lastKey: null });
    advance(50); // too soon to redraw
    progress.update({ rows: 20, batches: 2, lastKey: null });
    advance(100);
    progress.update({ rows: 30, batches: 3, lastKey: null });
    progress.finish();
    expect(written).toHaveLength(4);
    expect(written.slice(0, 3).every((text) => text.startsWith('\rarchive t: ') && text.endsWith('\x1b[K'))).toBe(true);
    expect(written[1]).toContain('30/100 rows');
    expect(written[2]).toContain('30/100 rows'); // the final state, drawn again by finish()
    expect(written[3]).toBe('\n');
  });

  it('elsewhere, prints the first batch at once, then at most one line per 2 s', () => {
    const { progress, written, advance } = reporter(false);
    progress.update({ rows: 10, batches: 1, lastKey: null });
    advance(1999);
    progress.update({ rows: 20, batches: 2, lastKey: null });
    advance(1);
    progress.update({ rows: 30, batches: 3, lastKey: null });
    progress.finish();
    expect(written).toEqual([
      expect.stringMatching(/^archive t: 10\/100 rows .*\n$/),
      expect.stringMatching(/^archive t: 30\/100 rows .*, 3 batches\n$/),
    ]);
  });

  it('prints nothing for a run without batches', () => {
    const { progress, written } = reporter(true);
    progress.finish();
    expect(written).toEqual([]);
  });
});
