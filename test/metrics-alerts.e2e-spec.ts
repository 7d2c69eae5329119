import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itWithPromtool, promtool } from './support/promtool';

const ROOT = join(__dirname, '..');
const RULES = join(ROOT, 'docs', 'alerts', 'das-rules.yml');

describe('the example alert rules (docs/alerts)', () => {
  itWithPromtool('are valid Prometheus rules', async () => {
    const result = await promtool(['check', 'rules', RULES]);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 5 rules found') });
  });

  itWithPromtool('fire on the series that should fire them, and only on those', async () => {
    const result = await promtool(['test', 'rules', join(ROOT, 'docs', 'alerts', 'das-rules.test.yml')]);
    expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe("the README's Prometheus scrape config", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'das-prometheus-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  itWithPromtool('is a valid Prometheus configuration, with the example rules loaded', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const config = /<!-- prometheus: scrape-config -->\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(config).toBeDefined();
    writeFileSync(join(dir, 'prometheus.yml'), config!);
    writeFileSync(join(dir, 'das-metrics-token'), 'a-metrics-token-of-at-least-32-characters');
    copyFileSync(RULES, join(dir, 'das-rules.yml'));

    const result = await promtool(['check', 'config', join(dir, 'prometheus.yml')]);

    expect(result.output).toContain('SUCCESS: 1 rule files found');
    expect(result.code).toBe(0);
  });
});
