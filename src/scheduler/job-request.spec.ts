import { JobRequest, parseJobRequest } from './job-request';

describe('parseJobRequest', () => {
  const request: JobRequest = {
    tableName: 'orders',
    sourceConnection: 'shop_eu',
    job: 'archive',
    trigger: 'api',
    requestedBy: 'admin',
    dryRun: false,
    options: { batchSize: 50, sleepBetweenBatchesMs: 10, runWindow: '01:00-05:00' },
    tickAt: undefined,
  };

  it('reads back what was stored as JSON', () => {
    expect(parseJobRequest(JSON.parse(JSON.stringify(request)))).toEqual(request);
  });

  it('keeps only known options of the right type', () => {
    const parsed = parseJobRequest({ ...request, options: { batchSize: '50', lanes: 2, evil: 'x' } });
    expect(parsed?.options).toEqual({ lanes: 2 });
  });

  it.each([
    null,
    'orders',
    {},
    { ...request, job: 'drop' },
    { ...request, trigger: 'cron' },
    { ...request, tableName: 7 },
  ])('refuses %p', (stored) => {
    expect(parseJobRequest(stored)).toBeNull();
  });
});
