import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prepareTypeScriptBuild } from '../../tools/typescript-build';
import { ENGINE_MODULES } from '../das-worker-protocol';
import { exitError, runProcess } from './process';

const REPO_ROOT = resolve(__dirname, '..', '..');
const BENCH_DIR = join(REPO_ROOT, 'bench');

/**
 * V8 flags of every DAS process, as in docker/Dockerfile (NODE_OPTIONS) and `npm run start:prod`
 * (test/runtime-flags.e2e-spec.ts keeps the three equal): a fixed small young generation, and an
 * old-generation ceiling that makes V8 collect garbage before it piles up, keep peak memory flat as
 * the row count grows (decision 008).
 */
export const DAS_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=512'];

/** How the harness starts bench/das-worker: the command, and where it runs. */
export interface DasRuntime {
  kind: 'compiled' | 'ts-node';
  command: string;
  /** Arguments before the worker's own. */
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** The worker under ts-node: no build step, but the TypeScript compiler's start-up and memory count too. */
export function tsNodeRuntime(): DasRuntime {
  return {
    kind: 'ts-node',
    command: process.execPath,
    args: [...DAS_NODE_FLAGS, '-r', 'ts-node/register/transpile-only', join('bench', 'das-worker.ts')],
    cwd: REPO_ROOT,
    env: {},
  };
}

/**
 * The worker and the engines compiled to JavaScript once, before the rounds, and run with plain
 * node, as production runs DAS: start-up and peak memory are then DAS's own, not ts-node's.
 */
export async function compiledRuntime(workDir: string, logFile: string): Promise<DasRuntime> {
  const entries = [join(BENCH_DIR, 'das-worker.ts')];
  for (const { path } of Object.values(ENGINE_MODULES)) {
    const file = `${resolve(BENCH_DIR, path)}.ts`;
    if (!existsSync(file)) {
      throw new Error(`${file} does not exist`);
    }
    entries.push(file);
  }
  const buildDir = join(workDir, 'das-build');
  mkdirSync(buildDir, { recursive: true });
  const build = prepareTypeScriptBuild(entries, buildDir);
  const result = await runProcess(process.execPath, build.tscArgs, { cwd: REPO_ROOT, logFile, logHeader: 'tsc' });
  const error = exitError(result);
  if (error) {
    throw new Error(`compiling the DAS worker failed: tsc ${error}`);
  }
  return {
    kind: 'compiled',
    command: process.execPath,
    args: [...DAS_NODE_FLAGS, join(build.outDir, 'bench', 'das-worker.js')],
    cwd: REPO_ROOT,
    env: { ...build.env },
  };
}
