import {
  JOB_TABLE_LABEL_NAMES,
  TABLE_LABEL_NAMES,
  jobTableLabels,
  labelKey,
  pauseReasonLabel,
  tableLabels,
  tablePart,
} from './metric-labels';

describe('metric labels', () => {
  const run = { id: 4, job: 'purge' as const, sourceConnection: 'billing', tableName: 'orders', status: 'succeeded' };

  it('label a table by the policy or run it comes from, and nothing else about it', () => {
    expect(tableLabels({ sourceConnection: 'source', tableName: 'orders' })).toEqual({
      connection: 'source',
      table: 'orders',
    });
    expect(jobTableLabels(run)).toEqual({ job: 'purge', connection: 'billing', table: 'orders' });
    expect(tablePart(jobTableLabels(run))).toEqual(tableLabels(run));
  });

  it('declare exactly the label names the label sets have', () => {
    expect(Object.keys(tableLabels(run)).sort()).toEqual([...TABLE_LABEL_NAMES].sort());
    expect(Object.keys(jobTableLabels(run)).sort()).toEqual([...JOB_TABLE_LABEL_NAMES].sort());
  });

  it('keep pause reasons the code names, and fold anything else into "other"', () => {
    expect(pauseReasonLabel('replica-lag')).toBe('replica-lag');
    expect(pauseReasonLabel('threads-running')).toBe('threads-running');
    expect(pauseReasonLabel('Replica lag on db2:3306')).toBe('other');
    expect(pauseReasonLabel('x'.repeat(41))).toBe('other');
  });

  it('key a label set the same whatever the order of its labels', () => {
    expect(labelKey({ job: 'archive', table: 't' })).toBe(labelKey({ table: 't', job: 'archive' }));
    expect(labelKey({ table: 't' })).not.toBe(labelKey({ table: 'u' }));
  });
});
