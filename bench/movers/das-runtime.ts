import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENGINE_MODULES } from '../das-worker-protocol';
import { exitError, runProcess } from './process';

const REPO_ROOT = resolve(__dirname, '..', '..');
const BENCH_DIR = join(REPO_ROOT, 'bench');

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
    args: ['-r', 'ts-node/register/transpile-only', join('bench', 'das-worker.ts')],
    cwd: REPO_ROOT,
    env: {},
  };
}

/**
 * The worker and the engines compiled to JavaScript once, before the rounds, and run with plain
 * node, as production runs DAS: start-up and peak memory are then DAS's own, not ts-node's.
 * `--noCheck` because type errors are tsc's business elsewhere; this only needs the emitted code.
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
  const outDir = join(workDir, 'das-build');
  const tsconfig = join(workDir, 'tsconfig.das-worker.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: { outDir, rootDir: REPO_ROOT, noEmit: false, incremental: false, sourceMap: false, types: [] },
      include: [],
      files: entries,
    }),
  );
  const result = await runProcess(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--noCheck'],
    {
      cwd: REPO_ROOT,
      logFile,
      logHeader: `tsc -p ${tsconfig} --noCheck`,
    },
  );
  const error = exitError(result);
  if (error) {
    throw new Error(`compiling the DAS worker failed: tsc ${error}`);
  }
  return {
    kind: 'compiled',
    command: process.execPath,
    args: [join(outDir, 'bench', 'das-worker.js')],
    cwd: REPO_ROOT,
    // The build lives outside the repo: let it find the repo's packages.
    env: { NODE_PATH: join(REPO_ROOT, 'node_modules') },
  };
}
