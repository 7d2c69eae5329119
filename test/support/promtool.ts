import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Debian's `prometheus` package puts it here; PROMTOOL overrides (another install). */
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

function promtoolInstalled(): boolean {
  try {
    accessSync(PROMTOOL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `it` for tests that run Prometheus' own checker. Without promtool they are skipped locally, with a
 * message saying what to install; in CI (CI=true) they run, and fail on the missing binary.
 */
export function itWithPromtool(name: string, test: () => Promise<void>, timeoutMs?: number): void {
  if (promtoolInstalled() || process.env.CI === 'true') {
    it(name, test, timeoutMs);
    return;
  }
  process.stderr.write(
    `\n[das tests] ${PROMTOOL} not found: "${name}" is skipped (Debian/Ubuntu: apt-get install prometheus)\n`,
  );
  it.skip(name, test);
}

export interface PromtoolResult {
  code: number | null;
  output: string;
}

/** Runs `promtool <args>` with `stdin` on its standard input; resolves with its exit code and output. */
export function promtool(args: readonly string[], stdin = ''): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}
