import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { prepareTypeScriptBuild } from '../../tools/typescript-build';

const REPO_ROOT = resolve(__dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface CliRunOptions {
  /** Configuration variables (database URLs…); only these plus PATH/HOME/TZ reach the process. */
  env?: Record<string, string>;
  /** Working directory (where `.env` and the embedded default's `./data` are looked up). */
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is empty (closed at once) when left out. */
  input?: string;
  /** Killed with SIGKILL after this long: a hanging CLI fails its test instead of the whole run. */
  timeoutMs?: number;
}

/** A CLI process still running (for signal tests). */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<CliResult>;
}

/** The admin CLI compiled to JavaScript, as the image runs it (`node dist/cli.js <command>`). */
export interface CompiledCli {
  /** Absolute path of the compiled entry point (cli.js). */
  readonly entry: string;
  /** What the compiled code needs in its environment to find the repository's packages. */
  readonly env: Readonly<Record<string, string>>;
  run(args: string[], options?: CliRunOptions): Promise<CliResult>;
  start(args: string[], options?: CliRunOptions): RunningCli;
  remove(): void;
}

/**
 * Compiles src/cli.ts and what it imports once, outside the checkout, so that each command then
 * starts in well under a second with plain node instead of several seconds under ts-node.
 */
export async function compileCli(): Promise<CompiledCli> {
  const workDir = mkdtempSync(join(tmpdir(), 'das-cli-build-'));
  const build = prepareTypeScriptBuild([join(REPO_ROOT, 'src', 'cli.ts')], workDir);
  await promisify(execFile)(process.execPath, build.tscArgs, { cwd: REPO_ROOT });
  const entry = join(build.outDir, 'src', 'cli.js');
  const start = (args: string[], options: CliRunOptions = {}): RunningCli => startCli(entry, build.env, args, options);
  return {
    entry,
    env: build.env,
    start,
    run: (args, options) => start(args, options).exited,
    remove: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

function startCli(entry: string, buildEnv: Record<string, string>, args: string[], options: CliRunOptions): RunningCli {
  const started = Date.now();
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'das-cli-'));
  const child = spawn(process.execPath, [entry, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? cwd,
      TZ: 'UTC',
      NODE_ENV: 'test',
      ...buildEnv,
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<CliResult>((resolveExit) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    }),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}
