import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { prepareTypeScriptBuild } from '../../tools/typescript-build';
import { AppProcess, startAppProcess } from './app-process';
import { testProcessEnv } from './test-app';
import { TestDatabases } from './test-databases';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The service and the CLI compiled to JavaScript side by side, as the image has them (`dist/main.js`,
 * `dist/cli.js`): a service in JOB_EXECUTION=process starts `node cli.js run:execute` beside its own
 * main.js, in well under a second instead of a ts-node compile per job.
 */
export interface CompiledService {
  /** Starts `node main.js` with `env` (plus what the build needs) and waits for GET /health. */
  start(env: Record<string, string>): Promise<AppProcess>;
  /** Absolute path of the compiled CLI (cli.js). */
  readonly cliEntry: string;
  /** What compiled code needs in its environment (NODE_PATH). */
  readonly env: Readonly<Record<string, string>>;
  remove(): void;
}

export async function compileService(): Promise<CompiledService> {
  const workDir = mkdtempSync(join(tmpdir(), 'das-service-build-'));
  const build = prepareTypeScriptBuild([join(REPO_ROOT, 'src', 'main.ts'), join(REPO_ROOT, 'src', 'cli.ts')], workDir);
  await promisify(execFile)(process.execPath, build.tscArgs, { cwd: REPO_ROOT });
  const main = join(build.outDir, 'src', 'main.js');
  return {
    start: (env) => startAppProcess({ ...build.env, ...env }, undefined, undefined, [main]),
    cliEntry: join(build.outDir, 'src', 'cli.js'),
    env: build.env,
    remove: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

/**
 * The environment of a compiled service process on `databases`: the test admin and JWT secret, no
 * scheduler, a login limit no test reaches, warnings only in its log; `extra` added.
 */
export function serviceEnv(databases: TestDatabases, extra: Record<string, string> = {}): Record<string, string> {
  return testProcessEnv(databases, {
    SCHEDULER_ENABLED: 'false',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}
