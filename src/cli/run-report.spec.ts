import { JobRun } from '../runs/entities/job-run.entity';
import { describeOutcome, describePlan, formatDuration } from './run-report';
import { textTable } from './text-table';

function run(overrides: Partial<JobRun>): JobRun {
  return Object.assign(new JobRun(), {
    id: 7,
    job: 'archive',
    tableName: 'orders',
    status: 'succeeded',
    trigger: 'cli',
    startedAt: new Date('2025-01-01T00:00:00Z'),
    finishedAt: new Date('2025-01-01T00:00:02Z'),
    rowsArchived: 3000,
    rowsPurged: 0,
    batches: 3,
    error: null,
    dryRun: false,
    requestedBy: 'cli',
    details: { stopReason: 'completed' },
    ...overrides,
  });
}

describe('formatDuration', () => {
  it.each([
    [0.42, '0.4s'],
    [42.4, '42s'],
    [185, '3m 05s'],
    [7620, '2h 07m'],
  ])('%s s is %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('describePlan', () => {
  const plan = {
    job: 'archive' as const,
    tableName: 'orders',
    dateColumn: 'created_at',
    cutoff: '2024-01-01T00:00:00.000Z',
    days: 365,
    criteriaCount: 2,
    rows: 1200,
    batchSize: 500,
    dryRun: false,
  };

  it('says which rows qualify and what happens to them', () => {
    expect(describePlan(plan)).toBe(
      'archive "orders": 1200 rows with created_at before 2024-01-01T00:00:00.000Z (older than 365 days) ' +
        'matching 2 criteria move to the archive, in batches of 500.',
    );
    expect(describePlan({ ...plan, job: 'purge', rows: 1, criteriaCount: 0, days: 730 })).toBe(
      'purge "orders": 1 archived row with created_at before 2024-01-01T00:00:00.000Z (older than 730 days) ' +
        'are deleted from the archive, in batches of 500.',
    );
  });

  it('says that a dry run changes nothing', () => {
    expect(describePlan({ ...plan, dryRun: true })).toMatch(
      /^dry run of archive "orders": .* would move to the archive; nothing will be changed\.$/,
    );
  });
});

describe('describeOutcome', () => {
  it('summarizes a run: status, rows, batches, seconds, rate and id', () => {
    expect(describeOutcome(run({}), false)).toBe(
      'succeeded: 3000 rows archived in 3 batches, 2.0s, 1500 rows/s (run 7)',
    );
    expect(describeOutcome(run({ job: 'purge', rowsArchived: 0, rowsPurged: 1, batches: 1 }), false)).toBe(
      'succeeded: 1 row purged in 1 batch, 2.0s, 1 rows/s (run 7)',
    );
  });

  it('says when --max-runtime left rows for the next run', () => {
    expect(describeOutcome(run({ details: { stopReason: 'max-runtime' } }), false)).toMatch(/stopped at --max-runtime/);
  });

  it('reports a dry run from what it found, not from the (zero) counters', () => {
    const dry = run({ dryRun: true, rowsArchived: 0, batches: 0, details: { rowsToArchive: 1200, batchesPlanned: 3 } });
    expect(describeOutcome(dry, false)).toBe(
      'dry run succeeded: 1200 rows would be archived in 3 batches; nothing was changed (run 7, 2.0s)',
    );
  });

  it('calls a run stopped by the user interrupted, and a skipped one by its reason', () => {
    expect(describeOutcome(run({ status: 'failed', rowsArchived: 100, batches: 1 }), true)).toBe(
      'interrupted: 100 rows archived in 1 batch, 2.0s, 50 rows/s (run 7); the remaining rows are left for the next run',
    );
    expect(describeOutcome(run({ status: 'skipped', error: 'archive of "orders" is already running' }), false)).toBe(
      'skipped: archive of "orders" is already running (run 7)',
    );
  });
});

describe('textTable', () => {
  it('aligns columns and trims trailing spaces', () => {
    expect(
      textTable(
        ['A', 'LONG TITLE'],
        [
          ['xyz', '1'],
          ['', '22'],
        ],
      ),
    ).toBe('A    LONG TITLE\nxyz  1\n     22');
  });
});
