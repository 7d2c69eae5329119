import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..');

/** How to compile some entry points of the repository to plain JavaScript, and run the result. */
export interface TypeScriptBuild {
  /** Where the JavaScript goes; it keeps the repository's layout (`src/cli.ts` → `<outDir>/src/cli.js`). */
  readonly outDir: string;
  /** Arguments for `node` that run the compiler. */
  readonly tscArgs: string[];
  /** What the compiled code needs in its environment: it lives outside the checkout. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Prepares a build of `entries` (absolute .ts paths) and what they import into `workDir`, outside
 * the checkout, to run with plain node as production does (start-up and memory are then DAS's own,
 * not ts-node's). `--noCheck`: type errors are `npm run typecheck`'s business; this only needs the
 * emitted code.
 */
export function prepareTypeScriptBuild(entries: readonly string[], workDir: string): TypeScriptBuild {
  const outDir = join(workDir, 'out');
  const tsconfig = join(workDir, 'tsconfig.build.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: { outDir, rootDir: REPO_ROOT, noEmit: false, incremental: false, sourceMap: false, types: [] },
      include: [],
      files: entries,
    }),
  );
  return {
    outDir,
    tscArgs: [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--noCheck'],
    env: { NODE_PATH: join(REPO_ROOT, 'node_modules') },
  };
}
