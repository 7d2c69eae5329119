import { BatchProgress } from './engine.types';
import { isConnectionFault, withReconnects } from './reconnects';

const connectionLost = () =>
  Object.assign(new Error('Connection lost: The server closed the connection.'), {
    fatal: true,
    code: 'PROTOCOL_CONNECTION_LOST',
  });

describe('isConnectionFault', () => {
  it('knows lost connections and servers gone away from statement errors', () => {
    expect(isConnectionFault(connectionLost())).toBe(true);
    expect(isConnectionFault(Object.assign(new Error('gone'), { errno: 2013 }))).toBe(true);
    expect(isConnectionFault(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionFault(Object.assign(new Error('lock wait'), { errno: 1205 }))).toBe(false);
    expect(isConnectionFault(new Error('verification failed'))).toBe(false);
  });
});

describe('withReconnects', () => {
  it('starts again after the last committed batch, keeping the totals across attempts', async () => {
    const starts: Array<unknown[] | null> = [];
    const reports: BatchProgress[] = [];
    let attempts = 0;
    const result = await withReconnects(
      async ({ startAfter, onBatch, onResumePoint }) => {
        starts.push(startAfter ?? null);
        attempts += 1;
        onResumePoint?.([attempts * 10]);
        await onBatch?.({ rows: 5, batches: 1, lastKey: [attempts * 10] });
        if (attempts === 1) {
          throw connectionLost();
        }
        return { rows: 5, batches: 1, lastKey: [20], stopReason: 'completed' };
      },
      { startAfter: [1], delaysMs: [0, 0], onBatch: (progress) => void reports.push(progress), table: 't' },
    );
    expect(starts).toEqual([[1], [10]]);
    expect(reports.map((r) => r.rows)).toEqual([5, 10]);
    expect(result).toMatchObject({ rows: 10, batches: 2, stopReason: 'completed' });
    expect(result.warnings).toEqual([
      expect.stringMatching(/^lost the connection \(Connection lost.*reconnected after 0 s$/),
    ]);
  });

  it('gives up after its last delay, and never retries other errors or a terminated run', async () => {
    let attempts = 0;
    await expect(
      withReconnects(
        async () => {
          attempts += 1;
          throw connectionLost();
        },
        { delaysMs: [0, 0] },
      ),
    ).rejects.toThrow('Connection lost');
    expect(attempts).toBe(3);

    attempts = 0;
    await expect(
      withReconnects(
        async () => {
          attempts += 1;
          throw new Error('verification failed');
        },
        { delaysMs: [0] },
      ),
    ).rejects.toThrow('verification failed');
    expect(attempts).toBe(1);

    const terminate = new AbortController();
    terminate.abort();
    attempts = 0;
    await expect(
      withReconnects(
        async () => {
          attempts += 1;
          throw connectionLost();
        },
        { delaysMs: [0], terminate: terminate.signal },
      ),
    ).rejects.toThrow('Connection lost');
    expect(attempts).toBe(1);
  });
});
