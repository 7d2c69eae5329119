import { QueryFailedError } from 'typeorm';
import { EngineError } from '../archive/engine/engine-errors';
import { EngineRunResult } from '../archive/engine/engine.types';
import { describeFailure, outcomeOfError, outcomeOfResult } from './run-outcome';
import { RunStop } from './lease-keeper';

function result(overrides: Partial<EngineRunResult> = {}): EngineRunResult {
  return {
    rows: 300,
    batches: 3,
    stopReason: 'completed',
    dryRun: false,
    details: { archiveCutoff: '2024-01-01 00:00:00' },
    problem: null,
    ...overrides,
  };
}

describe('describeFailure', () => {
  it("passes an engine's explanation through as it is", () => {
    expect(describeFailure(new EngineError('the archive table "orders" cannot receive the source rows: x'))).toBe(
      'the archive table "orders" cannot receive the source rows: x',
    );
  });

  it('names a MySQL error with its code and errno', () => {
    const error = Object.assign(new Error("Unknown column 'created_at' in 'where clause'"), {
      code: 'ER_BAD_FIELD_ERROR',
      errno: 1054,
      sql: 'SELECT ... WHERE created_at < ?',
    });
    expect(describeFailure(error)).toBe(
      "database error: Unknown column 'created_at' in 'where clause' (ER_BAD_FIELD_ERROR, errno 1054)",
    );
  });

  it('unwraps the driver error of a TypeORM QueryFailedError, without the bound values', () => {
    const driver = Object.assign(new Error('no such table: orders'), { code: 'SQLITE_ERROR' });
    const error = new QueryFailedError('SELECT * FROM orders WHERE secret = ?', ['customer-secret'], driver);
    const message = describeFailure(error);
    expect(message).toBe('database error: no such table: orders (SQLITE_ERROR)');
    expect(message).not.toContain('customer-secret');
  });

  it('says when an error is neither the engine nor the database', () => {
    expect(describeFailure(new TypeError('x is undefined'))).toBe('unexpected error: x is undefined');
    expect(describeFailure('boom')).toBe('unexpected error: boom');
  });
});

describe('outcomeOfResult', () => {
  it('records a completed archive run as succeeded with its counters and stop reason', () => {
    expect(outcomeOfResult('archive', result(), null)).toEqual({
      status: 'succeeded',
      error: null,
      rowsArchived: 300,
      rowsPurged: 0,
      batches: 3,
      details: { archiveCutoff: '2024-01-01 00:00:00', stopReason: 'completed' },
    });
  });

  it('counts purged rows in rowsPurged', () => {
    expect(outcomeOfResult('purge', result({ rows: 7, batches: 1 }), null)).toMatchObject({
      rowsArchived: 0,
      rowsPurged: 7,
    });
  });

  it('treats a run stopped at its maximum runtime as succeeded', () => {
    expect(outcomeOfResult('archive', result({ stopReason: 'max-runtime' }), null)).toMatchObject({
      status: 'succeeded',
      details: { stopReason: 'max-runtime' },
    });
  });

  it('fails a run that left rows behind, keeping the rows it moved', () => {
    const outcome = outcomeOfResult('archive', result({ problem: '2 rows of "orders" were not archived' }), null);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: '2 rows of "orders" were not archived',
      rowsArchived: 300,
    });
  });

  it('fails an aborted run with the reason and what it moved before stopping', () => {
    const outcome = outcomeOfResult(
      'archive',
      result({ stopReason: 'aborted', rows: 200, batches: 2 }),
      new RunStop('the service is shutting down'),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(
      'stopped after 2 batches: the service is shutting down (200 rows archived; the remaining rows are left for the next run)',
    );
    expect(outcome.rowsArchived).toBe(200);
  });

  it('keeps dry-run findings out of the counters', () => {
    const outcome = outcomeOfResult('purge', result({ dryRun: true, rows: 1234, batches: 2 }), null);
    expect(outcome).toMatchObject({ status: 'succeeded', rowsPurged: 0, batches: 0 });
    expect(outcome.details).toMatchObject({ rowsToPurge: 1234, batchesPlanned: 2 });
  });
});

describe('outcomeOfError', () => {
  it('fails the run and keeps the progress committed before the error', () => {
    const outcome = outcomeOfError('archive', new EngineError('verification failed'), {
      rows: 500,
      batches: 5,
      lastKey: [500],
    });
    expect(outcome).toEqual({
      status: 'failed',
      error: 'verification failed',
      rowsArchived: 500,
      rowsPurged: 0,
      batches: 5,
      details: { stopReason: 'error', lastKey: [500] },
    });
  });
});
