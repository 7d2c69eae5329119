import { EXIT, messageOf } from './exit-codes';

const EXIT_CODE_OF: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm };

/**
 * Ctrl-C and SIGTERM during a job: the first one asks for a clean stop (`stop`: the job finishes
 * its current batch, is recorded and releases its lease); a second one exits at once, leaving the
 * run open until a later run takes over its expired lease. Listening replaces Node's default of
 * dying on the spot.
 */
export class StopSignals {
  /** The first signal received, if any. */
  received: 'SIGINT' | 'SIGTERM' | null = null;
  private readonly listeners = new Map<'SIGINT' | 'SIGTERM', () => void>();

  constructor(
    private readonly stop: () => Promise<void>,
    private readonly say: (line: string) => void,
  ) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const listener = () => this.onSignal(signal);
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /** The exit code for a stopped command (130 for Ctrl-C, 143 for SIGTERM), null when none came. */
  get exitCode(): number | null {
    return this.received && EXIT_CODE_OF[this.received];
  }

  dispose(): void {
    this.listeners.forEach((listener, signal) => process.removeListener(signal, listener));
    this.listeners.clear();
  }

  private onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.received) {
      this.say(
        'forced exit: the run is left "running" until the next run of this job closes it, once its lease ' +
          'has expired (JOB_LEASE_TTL_SECONDS); rows already moved stay moved',
      );
      process.exit(EXIT_CODE_OF[signal]);
    } else {
      this.received = signal;
      const again = signal === 'SIGINT' ? 'Ctrl-C again to force' : 'SIGTERM again to force';
      this.say(`${signal === 'SIGINT' ? '\n' : ''}stopping after the current batch… (${again})`);
      this.stop().catch((error: unknown) => this.say(`could not stop cleanly: ${(error as Error).message}`));
    }
  }
}

/**
 * Runs a command's body with StopSignals listening and sets the process's exit code to the one the
 * body returns. A failure after a stop signal is the stop itself (reported, exit 130/143); one
 * without a signal propagates to the command's usual error handling.
 */
export async function runStoppable(
  stop: () => Promise<void>,
  say: (line: string) => void,
  body: (signals: StopSignals) => Promise<number>,
): Promise<void> {
  const signals = new StopSignals(stop, say);
  try {
    process.exitCode = await body(signals);
  } catch (error) {
    if (signals.exitCode === null) {
      throw error;
    }
    say(`stopped before the run started (${messageOf(error)})`);
    process.exitCode = signals.exitCode;
  } finally {
    signals.dispose();
  }
}
