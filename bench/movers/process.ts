import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

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

/**
 * Runs a command to completion, timing it from spawn to exit, with its output appended to
 * `logFile` (and kept in memory, for the one-line reports some movers print).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; logHeader?: string },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
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
    child.once('exit', () => (ended = performance.now()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      log.write(chunk);
    });
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
}

/** Null for a clean exit, otherwise a short reason with the last line the process printed. */
export function exitError(result: ProcessResult): string | null {
  if (result.exitCode === 0) {
    return null;
  }
  const lastLine = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
  return `exited with ${result.exitCode ?? result.signal}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
}
