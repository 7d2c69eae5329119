import { join } from 'node:path';
import { itWithPromtool, promtool } from './support/promtool';

const ALERTS = join(__dirname, '..', 'docs', 'alerts');

describe('the example alert rules (docs/alerts)', () => {
  itWithPromtool('are valid Prometheus rules', async () => {
    const result = await promtool(['check', 'rules', join(ALERTS, 'das-rules.yml')]);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 5 rules found') });
  });

  itWithPromtool('fire on the series that should fire them, and only on those', async () => {
    const result = await promtool(['test', 'rules', join(ALERTS, 'das-rules.test.yml')]);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});
