import { MAX_BATCH_SIZE } from './engine.types';
import { MAX_BATCH_BYTES, runBatchLoop, tunedBatchSize } from './batch-loop';

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
      async (_after, limit) => (limits.push(limit), left-- > 0 ? { rows: limit, lastKey: [left] } : null),
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
      async (_after, limit) => (
        limits.push(limit),
        left-- > 0 ? { rows: limit, lastKey: [left], bytes: limit * 1024 } : null
      ),
      { batchSize: 20_000, firstBatchCap: 1000 },
    );
    const fit = MAX_BATCH_BYTES / 1024;
    expect(fit).toBeLessThan(20_000);
    expect(limits).toEqual([1000, fit, fit, fit]);
  });

  it('grows fast batches toward the target', async () => {
    const limits: number[] = [];
    let left = 4;
    await runBatchLoop(
      async (_after, limit) => (limits.push(limit), left-- > 0 ? { rows: limit, lastKey: [left] } : null),
      {
        batchSize: 100,
        targetBatchMs: 10_000,
      },
    );
    expect(limits).toEqual([100, 200, 400, 800, 1600]);
  });
});
