import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';

/** Children that are running now, so an interrupted benchmark can stop them before its servers. */
const running = new Set<ChildProcess>();

export function killRunningChildren(): void {
  for (const child of running) {
    child.kill('SIGTERM');
  }
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** From spawn to exit. */
  seconds: number;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  logHeader?: string;
}

/** A process started in the background: stop it by its `child`, or wait for `done`. */
export interface StartedProcess {
  child: ChildProcess;
  /** Resolves once the process has exited and its output is read; rejects when it cannot start. */
  done: Promise<ProcessResult>;
}

/**
 * Runs a command to completion, timing it from spawn to exit, with its output appended to
 * `logFile` (and kept in memory, for the one-line reports some movers print).
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return startProcess(command, args, options).done;
}

/**
 * Starts a command like `runProcess` without waiting for it; `onStdoutLine` sees each line of its
 * standard output as it comes (for a background load whose progress the harness follows).
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions & { onStdoutLine?: (line: string) => void },
): StartedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`${options.logHeader ?? command}\n`);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let ended = 0;
  let partialLine = '';
  child.once('exit', () => (ended = performance.now()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    log.write(chunk);
    if (options.onStdoutLine) {
      const lines = (partialLine + chunk.toString('utf8')).split('\n');
      partialLine = lines.pop() ?? '';
      lines.forEach(options.onStdoutLine);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    log.write(chunk);
  });
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.once('error', (error) => {
      running.delete(child);
      log.end();
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      const seconds = ((ended || performance.now()) - started) / 1000;
      running.delete(child);
      log.end(`\n[exit code ${exitCode ?? signal}, ${seconds.toFixed(3)} s]\n`);
      resolve({
        exitCode,
        signal,
        seconds,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
  return { child, done };
}

/** Null for a clean exit, otherwise a short reason with the last line the process printed. */
export function exitError(result: ProcessResult): string | null {
  if (result.exitCode === 0) {
    return null;
  }
  const lastLine = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
  return `exited with ${result.exitCode ?? result.signal}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
}

/** The last word `command --version` prints (`pt-archiver 3.2.1` → `3.2.1`); null when it does not run. */
export async function commandVersion(command: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(command, ['--version']);
    return stdout.trim().split(/\s+/).pop() ?? null;
  } catch {
    return null;
  }
}
