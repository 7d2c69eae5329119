import { Logger } from '@nestjs/common';
import { RunRecorder } from '../../runs/run-recorder';
import { RunStop } from '../lease-keeper';

/** How often a run looks for a cancel request while no batch commits (a pause, a sleep, a long batch). */
export const CANCEL_POLL_MS = 1000;

/**
 * Notices a cancel request for one run in the control database — whichever process asked for it —
 * after every batch and every CANCEL_POLL_MS in between, and stops the run through `stop` (after
 * its current batch, like a shutdown). No in-process handle is involved, so it works wherever the
 * run executes.
 */
export class CancelWatch {
  private readonly logger = new Logger(CancelWatch.name);
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | null = null;
  private cancelled = false;

  constructor(
    private readonly recorder: RunRecorder,
    private readonly runId: number,
    private readonly stop: (reason: RunStop) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), CANCEL_POLL_MS);
    this.timer.unref();
  }

  stopWatching(): void {
    clearInterval(this.timer);
  }

  /** Looks now (one look at a time; a caller arriving during one shares it). Never throws. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    if (this.cancelled) {
      return;
    }
    try {
      const request = await this.recorder.cancelRequest(this.runId);
      if (request) {
        this.cancelled = true;
        this.stopWatching();
        this.logger.log(`Run ${this.runId} cancelled by ${request.by}: stopping after the current batch`);
        this.stop(new RunStop(`cancelled by ${request.by}`, 'cancelled'));
      }
    } catch (error) {
      // The next batch looks again; the lease keeper stops the run if the control database stays away.
      this.logger.warn(`Could not look for a cancel request of run ${this.runId}: ${(error as Error).message}`);
    }
  }
}
