import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SAMPLE_ORDER_COUNT } from '../src/database/sample-data';
import { AppProcess, startAppProcess } from './support/app-process';
import { CompiledCli, compileCli } from './support/compiled-cli';

/**
 * README.md's walkthrough, run as written: every ```bash block marked `<!-- walkthrough: NAME -->`
 * is executed, in order, by one bash process against a service started on the embedded default
 * (a fresh ./data in a temporary directory). Change the README and this test runs the new text.
 *
 * What differs from a newcomer's terminal, and why:
 *  - the `server` block is not run: the test starts the service itself, with the variables that
 *    block sets, on a free port; `http://localhost:3000` in the other blocks becomes that port;
 *  - `npm run cli -- …` runs the compiled CLI (what `npm run cli` runs under ts-node) in the
 *    service's directory, so both share ./data as they do in a checkout;
 *  - curl gets `-w '\n'`, so that each answer ends its line and can be checked on its own.
 */
const README = resolve(__dirname, '..', 'README.md');

/** The steps the README must have, in this order; each one's output is checked below. */
const STEPS = ['server', 'login', 'policy', 'preview', 'archive', 'permitted', 'refused', 'purge', 'metrics', 'cli'];

interface Block {
  name: string;
  code: string;
}

function walkthroughBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/<!-- walkthrough: ([\w-]+) -->\s*```bash\n([\s\S]*?)```/g)) {
    blocks.push({ name: match[1], code: match[2] });
  }
  return blocks;
}

/** `A=1 B='x y' npm start` → { A: '1', B: 'x y' }; fails unless the block is exactly that shape. */
function serverEnvironment(code: string): Record<string, string> {
  const command = code.trim();
  expect(command).toMatch(/^(\w+=('[^']*'|"[^"]*"|\S+)\s+)*npm start$/);
  const env: Record<string, string> = {};
  for (const [, name, value] of command.matchAll(/(\w+)=('[^']*'|"[^"]*"|\S+)/g)) {
    env[name] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

const SHELL_PRELUDE = `set -euo pipefail
npm() {
  if [ "$1" = run ] && [ "$2" = cli ]; then
    shift 2
    if [ "\${1:-}" = -- ]; then shift; fi
    node "$DAS_CLI" "$@"
  else
    echo "the walkthrough test runs only 'npm run cli': npm $*" >&2
    return 1
  fi
}
curl() { command curl -w '\\n' "$@"; }
`;

/** An answer of the API, as far as the checks below read it. */
interface Answer extends Record<string, unknown> {
  id?: number;
  items?: Array<Record<string, unknown>>;
}

/** What one block printed: its JSON answers (one per line) and all of its text. */
interface StepOutput {
  json: Answer[];
  text: string;
}

function splitByStep(stdout: string): Map<string, StepOutput> {
  const steps = new Map<string, StepOutput>();
  for (const part of stdout.split(/^@@@ step /m).slice(1)) {
    const [name, ...lines] = part.split('\n');
    const json = lines.filter((line) => /^[{[]/.test(line)).map((line) => JSON.parse(line) as Answer);
    steps.set(name.trim(), { json, text: lines.join('\n') });
  }
  return steps;
}

describe('README walkthrough', () => {
  let cli: CompiledCli;
  let service: AppProcess | undefined;
  let workDir: string;
  let steps: Map<string, StepOutput>;
  let shell: { stdout: string; stderr: string };

  beforeAll(async () => {
    const blocks = walkthroughBlocks(readFileSync(README, 'utf8'));
    expect(blocks.map((block) => block.name)).toEqual(STEPS);
    cli = await compileCli();
    workDir = mkdtempSync(join(tmpdir(), 'das-walkthrough-'));
    service = await startAppProcess(serverEnvironment(blocks[0].code), 60_000, workDir);

    const script =
      SHELL_PRELUDE +
      blocks
        .slice(1)
        .map(
          (block) => `echo '@@@ step ${block.name}'\n${block.code.replaceAll('http://localhost:3000', service!.url)}`,
        )
        .join('\n');
    writeFileSync(join(workDir, 'walkthrough.sh'), script);
    try {
      shell = await promisify(execFile)('bash', [join(workDir, 'walkthrough.sh')], {
        cwd: workDir,
        timeout: 120_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? workDir,
          TZ: 'UTC',
          DAS_CLI: cli.entry,
          ...cli.env,
        },
      });
    } catch (error) {
      const failed = error as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `the walkthrough failed: ${failed.message}\n--- stdout\n${failed.stdout}\n--- stderr\n${failed.stderr}`,
      );
    }
    steps = splitByStep(shell.stdout);
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    cli?.remove();
    rmSync(workDir, { recursive: true, force: true });
  });

  const step = (name: string): StepOutput => {
    const output = steps.get(name);
    if (!output) {
      throw new Error(`no output for step ${name}:\n${shell.stdout}`);
    }
    return output;
  };

  // The sample spreads its rows evenly over three years: a year's cutoff leaves 2/3 to archive, the
  // two years' purge cutoff 1/3 to purge. The README quotes these numbers.
  const toArchive = (SAMPLE_ORDER_COUNT * 2) / 3;
  const toPurge = SAMPLE_ORDER_COUNT / 3;

  it('logs in as the admin given to the server', () => {
    expect(step('login').json).toEqual([expect.objectContaining({ username: 'admin', role: 'admin' })]);
  });

  it('creates the policy and previews it', () => {
    expect(step('policy').json).toEqual([
      expect.objectContaining({
        tableName: 'orders',
        dateColumn: 'created_at',
        archiveAfterDays: 365,
        deleteAfterDays: 730,
      }),
    ]);
    expect(step('preview').json).toEqual([
      expect.objectContaining({ tableName: 'orders', rowsToArchive: toArchive, rowsToPurge: 0 }),
    ]);
  });

  it('runs the archive job and watches it to the end', () => {
    expect(step('archive').json).toEqual([
      expect.objectContaining({ job: 'archive', status: 'succeeded', trigger: 'api', rowsArchived: toArchive }),
    ]);
  });

  it('lets the permitted user read the archive and refuses the other one', () => {
    const [archiveRun] = step('archive').json;
    const [alice, granted, page] = step('permitted').json;
    expect(alice).toMatchObject({ username: 'alice', role: 'user', permissions: [] });
    expect(granted).toMatchObject({ username: 'alice', permissions: ['orders'] });
    const archived = { archive_run_id: archiveRun.id, archived_at: expect.any(String) };
    expect(page).toMatchObject({ items: [archived, archived], nextCursor: expect.any(String) });

    const [bob, refused] = step('refused').json;
    expect(bob).toMatchObject({ username: 'bob', role: 'user' });
    expect(refused).toMatchObject({ statusCode: 403 });
  });

  it('purges the archived rows past deleteAfterDays', () => {
    const [preview, run] = step('purge').json;
    expect(preview).toMatchObject({ rowsToPurge: toPurge });
    expect(run).toMatchObject({ job: 'purge', status: 'succeeded', rowsPurged: toPurge });
  });

  it('shows in the metrics what the runs did', () => {
    const { text } = step('metrics');
    expect(text).toContain(`das_rows_archived_total{connection="source",table="orders"} ${toArchive}\n`);
    expect(text).toContain(`das_rows_purged_total{connection="source",table="orders"} ${toPurge}\n`);
    expect(text).toContain('das_runs_total{job="archive",status="succeeded"} 1\n');
    expect(text).toContain('das_runs_total{job="purge",status="succeeded"} 1\n');
  });

  it('continues with the CLI on the same data', () => {
    const { text, json } = step('cli');
    expect(text).toContain('created admin "ops"');
    expect(text).toMatch(/^orders\s+created_at\s+365 days\s+730 days\s+0\s+1000 \(default\)\s+yes$/m);
    expect(text).toContain('dry run succeeded: 0 rows would be archived');
    expect(text).toContain('"bob" may now read: orders');
    expect(json[json.length - 1].items).toHaveLength(1);
    expect(shell.stdout + shell.stderr).not.toContain('ops-password-123');
  });
});
