import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../tools/throwaway-mariadb';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** `node` arguments that run src/main.ts under ts-node. */
const TS_NODE_MAIN = ['-r', require.resolve('ts-node/register/transpile-only'), join(REPO_ROOT, 'src', 'main.ts')];
const TS_NODE_WORKER = ['-r', require.resolve('ts-node/register/transpile-only'), join(REPO_ROOT, 'src', 'worker.ts')];

/**
 * How long a boot may take before a test gives up on it. ts-node compiles the whole import graph
 * before the first line runs: on a loaded 2-core machine that alone took up to 30 s. Only a boot
 * that hangs ever waits this long.
 */
const BOOT_TIMEOUT_MS = 90_000;

/**
 * The service as users run it: `src/main.ts` in its own Node process (ts-node, no build needed),
 * configured only through environment variables, with stdout and stderr captured.
 */
export interface AppProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Process id of the service. */
  readonly pid: number;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<ProcessExit>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from spawn to exit. */
  readonly durationMs: number;
}

interface Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/**
 * Spawns the service in a fresh temporary working directory (so no developer `.env` and no
 * `./data` of the checkout is involved) with only `env` plus PATH/HOME/TZ: nothing leaks in from
 * the test runner's environment.
 */
function spawnService(
  env: Record<string, string>,
  cwd = mkdtempSync(join(tmpdir(), 'das-proc-')),
  argv: readonly string[] = TS_NODE_MAIN,
): Spawned {
  const started = Date.now();
  const child = spawn(process.execPath, [...argv], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? cwd,
      TZ: 'UTC',
      TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ProcessExit>((resolveExit) =>
    child.once('close', (code, signal) =>
      resolveExit({ code, signal, stdout, stderr, durationMs: Date.now() - started }),
    ),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Starts the service and resolves once GET /health answers 200; rejects (with its output) if it exits first.
 * `cwd`: its working directory (default: a fresh temporary one), e.g. to share `./data` with a CLI.
 */
export async function startAppProcess(
  env: Record<string, string>,
  timeoutMs = BOOT_TIMEOUT_MS,
  cwd?: string,
  argv: readonly string[] = TS_NODE_MAIN,
): Promise<AppProcess> {
  const port = await freePort();
  const service = spawnService({ PORT: String(port), ...env }, cwd, argv);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<ProcessExit> => {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGTERM');
    }
    return service.exited;
  };
  let exitedEarly: ProcessExit | undefined;
  void service.exited.then((exit) => (exitedEarly = exit));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitedEarly) {
      throw new Error(`the service exited with code ${exitedEarly.code} before it was up:\n${exitedEarly.stderr}`);
    }
    try {
      if ((await fetch(`${url}/health`)).status === 200) {
        return { url, stdout: service.stdout, stderr: service.stderr, pid: service.child.pid ?? 0, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
  await stop();
  throw new Error(`the service did not answer /health within ${timeoutMs} ms:\n${service.stderr()}`);
}

/** Runs the service expecting it to exit by itself (a refused boot); kills it after `timeoutMs`. */
export async function runAppUntilExit(env: Record<string, string>, timeoutMs = BOOT_TIMEOUT_MS): Promise<ProcessExit> {
  const port = await freePort();
  const service = spawnService({ PORT: String(port), ...env });
  const timer = setTimeout(() => service.child.kill('SIGKILL'), timeoutMs);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A queue worker process (`src/worker.ts`, as `npm run worker:dev` runs it). */
export interface WorkerProcess {
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<ProcessExit>;
  /** Sends SIGKILL (no shutdown at all, as a machine that dies) and waits for the exit. */
  kill(): Promise<ProcessExit>;
}

/**
 * Starts `src/worker.ts` with `env` and resolves once it says it consumes the queue; rejects (with
 * its output) if it exits first or is not up within `timeoutMs`.
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  timeoutMs = BOOT_TIMEOUT_MS,
): Promise<WorkerProcess> {
  const worker = spawnService(env, undefined, TS_NODE_WORKER);
  let exit: ProcessExit | undefined;
  void worker.exited.then((exited) => (exit = exited));
  const signal = async (name: NodeJS.Signals): Promise<ProcessExit> => {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill(name);
    }
    return worker.exited;
  };
  const handle: WorkerProcess = {
    pid: worker.child.pid ?? 0,
    stdout: worker.stdout,
    stderr: worker.stderr,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`the worker exited with code ${exit.code} before it was up:\n${exit.stderr}\n${exit.stdout}`);
    }
    if (/Consuming queue/.test(worker.stdout())) {
      return handle;
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
  await handle.kill();
  throw new Error(`the worker did not start within ${timeoutMs} ms:\n${worker.stderr()}\n${worker.stdout()}`);
}
