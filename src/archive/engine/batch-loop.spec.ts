import { MAX_BATCH_SIZE } from './engine.types';
import { BATCH_ATTEMPTS, MAX_BATCH_BYTES, runBatchLoop, tunedBatchSize } from './batch-loop';
import { BatchProgress } from './engine.types';
import { LockContentionError, inBatch } from './engine-errors';
import { ThrottleVerdict } from './throttle';

describe('tunedBatchSize', () => {
  it('moves toward the target transaction time in proportion', () => {
    expect(tunedBatchSize(1000, 400, 500)).toBe(1250);
    expect(tunedBatchSize(1000, 625, 500)).toBe(800);
  });

  it('never more than doubles or halves at once, so one slow batch cannot collapse it', () => {
    expect(tunedBatchSize(1000, 1, 500)).toBe(2000);
    expect(tunedBatchSize(1000, 60_000, 500)).toBe(500);
  });

  it('stays between 1 and the largest batch the engines take', () => {
    expect(tunedBatchSize(40_000, 1, 500)).toBe(MAX_BATCH_SIZE);
    expect(tunedBatchSize(1, 10_000, 500)).toBe(1);
  });
});

describe('runBatchLoop', () => {
  it('asks for the configured batch size every time when no target is set', async () => {
    const limits: number[] = [];
    let left = 5;
    await runBatchLoop(
      { next: async (_after, limit) => (limits.push(limit), left-- > 0 ? { rows: limit, lastKey: [left] } : null) },
      {
        batchSize: 300,
      },
    );
    expect(limits).toEqual([300, 300, 300, 300, 300, 300]);
  });

  it('caps batches that travel through the process to MAX_BATCH_BYTES of rows, the first one included', async () => {
    const limits: number[] = [];
    let left = 3;
    // Rows of 1 KiB: at most MAX_BATCH_BYTES / 1024 of them fit.
    await runBatchLoop(
      {
        next: async (_after, limit) => (
          limits.push(limit),
          left-- > 0 ? { rows: limit, lastKey: [left], bytes: limit * 1024 } : null
        ),
      },
      { batchSize: 20_000, firstBatchCap: 1000 },
    );
    const fit = MAX_BATCH_BYTES / 1024;
    expect(fit).toBeLessThan(20_000);
    expect(limits).toEqual([1000, fit, fit, fit]);
  });

  it("caps a lane's batches to its share of MAX_BATCH_BYTES", async () => {
    const limits: number[] = [];
    let left = 2;
    await runBatchLoop(
      {
        next: async (_after, limit) => (
          limits.push(limit),
          left-- > 0 ? { rows: limit, lastKey: [left], bytes: limit * 1024 } : null
        ),
      },
      { batchSize: 20_000, firstBatchCap: 1000, maxBatchBytes: MAX_BATCH_BYTES / 2 },
    );
    expect(limits).toEqual([1000, MAX_BATCH_BYTES / 2 / 1024, MAX_BATCH_BYTES / 2 / 1024]);
  });

  it('grows fast batches toward the target', async () => {
    const limits: number[] = [];
    let left = 4;
    await runBatchLoop(
      { next: async (_after, limit) => (limits.push(limit), left-- > 0 ? { rows: limit, lastKey: [left] } : null) },
      {
        batchSize: 100,
        targetBatchMs: 10_000,
      },
    );
    expect(limits).toEqual([100, 200, 400, 800, 1600]);
  });

  /** A driver's lock wait timeout, as mysql2 reports it. */
  function lockWaitTimeout(): Error {
    return Object.assign(new Error('Lock wait timeout exceeded; try restarting transaction'), { errno: 1205 });
  }

  it('tries a batch that lost a lock race again, from the same key, and goes on', async () => {
    const asked: Array<unknown[] | null> = [];
    let failures = 2;
    const result = await runBatchLoop(
      {
        next: async (after) => {
          asked.push(after);
          if (after === null && failures-- > 0) {
            throw lockWaitTimeout();
          }
          return after === null ? { rows: 5, lastKey: [5] } : null;
        },
      },
      { batchSize: 5 },
    );
    expect(asked).toEqual([null, null, null, [5]]);
    expect(result).toMatchObject({ rows: 5, batches: 1, stopReason: 'completed' });
  });

  it('gives up on a batch after a bounded number of attempts, naming the table and the batch', async () => {
    let attempts = 0;
    const loop = runBatchLoop(
      {
        next: async () => {
          attempts += 1;
          throw inBatch(Object.assign(lockWaitTimeout(), { blockedBy: 'session 42, idle in its transaction' }), [
            [7],
            [8],
          ]);
        },
      },
      { batchSize: 5, table: 'orders' },
    );
    await expect(loop).rejects.toThrow(LockContentionError);
    await expect(loop).rejects.toThrow(
      /the batch of "orders" whose first keys are \[7\], \[8\] could not take its row locks in 4 attempts .*blocked by session 42/,
    );
    expect(attempts).toBe(BATCH_ATTEMPTS);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    const loop = runBatchLoop(
      {
        next: async () => {
          attempts += 1;
          throw new Error('verification failed');
        },
      },
      { batchSize: 5 },
    );
    await expect(loop).rejects.toThrow('verification failed');
    expect(attempts).toBe(1);
  });

  it('counts rows that committed but were handed over only when the loop ended, on success and on failure', async () => {
    const reports: BatchProgress[] = [];
    let calls = 0;
    const finished = await runBatchLoop(
      {
        next: async () => (calls++ === 0 ? { rows: 3, lastKey: [3] } : null),
        finish: async () => ({ rows: 2, lastKey: [9] }),
      },
      { batchSize: 3, onBatch: (progress) => void reports.push(progress) },
    );
    expect(finished).toMatchObject({ rows: 5, batches: 2, lastKey: [9] });

    const failed = runBatchLoop(
      {
        next: async () => {
          throw new Error('the source went away');
        },
        finish: async () => ({ rows: 4, lastKey: [12] }),
      },
      { batchSize: 3, onBatch: (progress) => void reports.push(progress) },
    );
    await expect(failed).rejects.toThrow('the source went away');
    expect(reports.at(-1)).toEqual({ rows: 4, batches: 1, lastKey: [12], batch: { rows: 4, seconds: 0 } });
  });

  it('settles the batches in flight before pausing, reports the pause, and goes on when the throttle says go', async () => {
    const events: string[] = [];
    const verdicts: ThrottleVerdict[] = [
      { action: 'go', warnings: [] },
      { action: 'pause', reason: 'replica-lag', message: 'replica lag 9 s > 5 s (r1:3306)', warnings: [] },
      { action: 'go', warnings: [] },
    ];
    let batch = 0;
    const result = await runBatchLoop(
      {
        next: async () => (events.push('batch'), batch++ < 2 ? { rows: 10, lastKey: [batch] } : null),
        finish: async () => (events.push('settle'), null),
      },
      {
        batchSize: 10,
        throttle: { check: async () => verdicts.shift() ?? { action: 'go', warnings: [] } },
        onPause: (pause) => void events.push(pause ? `paused: ${pause.message}` : 'resumed'),
      },
    );
    expect(events).toEqual([
      'batch',
      'settle',
      'paused: replica lag 9 s > 5 s (r1:3306)',
      'resumed',
      'batch',
      'batch',
      'settle',
    ]);
    expect(result).toMatchObject({ rows: 20, stopReason: 'completed', pauses: { 'replica-lag': { count: 1 } } });
    expect(result.pauses?.['replica-lag']?.seconds).toBeGreaterThan(0);
  });

  it('stops cleanly when the throttle says the run window closed', async () => {
    let batches = 0;
    const result = await runBatchLoop(
      { next: async () => (batches++, { rows: 1, lastKey: [batches] }) },
      {
        batchSize: 1,
        throttle: {
          check: async () =>
            batches < 2
              ? { action: 'go', warnings: [] }
              : { action: 'stop', message: 'window closed (runWindow 01:00-05:00 UTC)' },
        },
      },
    );
    expect(result).toMatchObject({
      rows: 2,
      stopReason: 'window-closed',
      stopMessage: 'window closed (runWindow 01:00-05:00 UTC)',
    });
  });

  it('ends a pause when the run is stopped, without another batch', async () => {
    const stop = new AbortController();
    let batches = 0;
    const result = await runBatchLoop(
      { next: async () => (batches++, { rows: 1, lastKey: [batches] }) },
      {
        batchSize: 1,
        signal: stop.signal,
        throttle: {
          check: async () => ({ action: 'pause', reason: 'threads-running', message: 'busy', warnings: ['w'] }),
        },
        onPause: (pause) => (pause ? stop.abort() : undefined),
      },
    );
    expect(result).toMatchObject({ rows: 0, stopReason: 'aborted', warnings: ['w'] });
    expect(batches).toBe(0);
  });
});
