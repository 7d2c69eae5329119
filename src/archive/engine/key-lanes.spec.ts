import { BatchLoopResult, MAX_BATCH_BYTES } from './batch-loop';
import { BatchProgress } from './engine.types';
import { KeyLane, cutKeyRange, runLanes } from './key-lanes';

/** Every integer of first-10..last+10 falls in exactly one lane, in order. */
function laneOf(lanes: KeyLane[], key: bigint): number[] {
  return lanes.flatMap((lane, i) => {
    const afterOk = lane.after === null || key > (lane.after[0] as bigint);
    const upToOk = lane.upTo === null || key <= (lane.upTo[0] as bigint);
    return afterOk && upToOk ? [i] : [];
  });
}

describe('cutKeyRange', () => {
  it.each([
    [1n, 1000n, 2],
    [1n, 1000n, 3],
    [5n, 7n, 4],
    [-50n, 49n, 4],
    [9007199254740990n, 9007199254741000n, 2],
  ])('cuts %p..%p into %p disjoint lanes that cover every key, outer lanes open-ended', (first, last, count) => {
    const lanes = cutKeyRange(first, last, count);
    expect(lanes[0].after).toBeNull();
    expect(lanes[lanes.length - 1].upTo).toBeNull();
    for (let key = first - 10n; key <= last + 10n; key++) {
      expect(laneOf(lanes, key)).toHaveLength(1);
    }
    // Lanes follow key order: each starts where the previous one ends.
    for (let i = 1; i < lanes.length; i++) {
      expect(lanes[i].after).toEqual(lanes[i - 1].upTo);
    }
  });

  it('makes lanes of nearly equal width', () => {
    const lanes = cutKeyRange(1n, 1000n, 4);
    expect(lanes.map((lane) => lane.upTo?.[0] ?? null)).toEqual([250n, 500n, 750n, null]);
  });

  it('never makes more lanes than there are keys', () => {
    expect(cutKeyRange(7n, 8n, 4)).toHaveLength(2);
    expect(cutKeyRange(7n, 7n, 4)).toEqual([{ after: null, upTo: null }]);
  });
});

describe('runLanes', () => {
  const lanes = cutKeyRange(1n, 300n, 3);
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  /** A lane that handles `batches` batches of 10 rows, reporting each, unless stopped first. */
  const lane =
    (batches: number, failAt?: number) =>
    async (_: KeyLane, options: { signal?: AbortSignal; onBatch?: (p: BatchProgress) => unknown }) => {
      let done = 0;
      for (; done < batches; done++) {
        await tick();
        if (options.signal?.aborted) {
          return { rows: done * 10, batches: done, lastKey: [done], stopReason: 'aborted' } as BatchLoopResult;
        }
        if (done === failAt) {
          throw new Error(`lane failed at batch ${done}`);
        }
        await options.onBatch?.({ rows: (done + 1) * 10, batches: done + 1, lastKey: [done] });
      }
      return { rows: done * 10, batches: done, lastKey: [done], stopReason: 'completed' } as BatchLoopResult;
    };

  it('adds up the lanes and reports run totals, one report at a time', async () => {
    const reported: number[] = [];
    const plans = [lane(2), lane(3), lane(1)];
    const result = await runLanes(lanes, { onBatch: (p) => void reported.push(p.rows) }, (laneToRun, options) =>
      plans[lanes.indexOf(laneToRun)](laneToRun, options),
    );
    expect(result).toMatchObject({ rows: 60, batches: 6, stopReason: 'completed' });
    expect(reported).toHaveLength(6);
    expect(reported[reported.length - 1]).toBe(60);
    expect([...reported].sort((a, b) => a - b)).toEqual(reported);
  });

  it('starts each lane after its lower bound', async () => {
    const starts: unknown[] = [];
    await runLanes(lanes, {}, async (_, options) => {
      starts.push(options.startAfter);
      return { rows: 0, batches: 0, lastKey: null, stopReason: 'completed' };
    });
    expect(starts).toEqual(lanes.map((l) => l.after));
  });

  it("shares the run's row-data budget between the lanes", async () => {
    const budgets: unknown[] = [];
    await runLanes(lanes, {}, async (_, options) => {
      budgets.push(options.maxBatchBytes);
      return { rows: 0, batches: 0, lastKey: null, stopReason: 'completed' };
    });
    expect(budgets).toEqual(lanes.map(() => Math.floor(MAX_BATCH_BYTES / lanes.length)));
  });

  it('stops the other lanes after their current batch when one fails, then throws that failure', async () => {
    const results: BatchLoopResult[] = [];
    const plans = [lane(50), lane(50, 2), lane(50)];
    await expect(
      runLanes(lanes, {}, async (laneToRun, options) => {
        const result = await plans[lanes.indexOf(laneToRun)](laneToRun, options);
        results.push(result);
        return result;
      }),
    ).rejects.toThrow('lane failed at batch 2');
    expect(results.map((r) => r.stopReason)).toEqual(['aborted', 'aborted']);
    expect(results.every((r) => r.batches < 50)).toBe(true);
  });

  it('stops every lane when the run is aborted, and says so', async () => {
    const abort = new AbortController();
    const result = await runLanes(
      lanes,
      {
        signal: abort.signal,
        onBatch: (p) => {
          if (p.batches >= 4) {
            abort.abort();
          }
        },
      },
      lane(50),
    );
    expect(result.stopReason).toBe('aborted');
    expect(result.batches).toBeLessThan(150);
  });

  it('runs a single lane as it is, with the run options', async () => {
    const abort = new AbortController();
    const onBatch = jest.fn();
    let seen: unknown;
    await runLanes([{ after: null, upTo: null }], { signal: abort.signal, onBatch }, async (_, options) => {
      seen = options;
      return { rows: 0, batches: 0, lastKey: null, stopReason: 'completed' };
    });
    expect(seen).toEqual({ startAfter: null, signal: abort.signal, onBatch });
  });
});
