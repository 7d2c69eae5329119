/**
 * Fails a run that commits nothing for too long (RUN_STALL_SECONDS): every wait of a run is bounded
 * on its own (lock waits, statement limits, connection timeouts), and this bounds them all together,
 * whatever a run is stuck on. Checked a few times per stall period, so it fires at most a quarter
 * period late.
 */
export class StallWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  private fired = false;
  private suspended = false;

  constructor(
    private readonly stallMs: number,
    private readonly onStall: () => void,
  ) {}

  start(): void {
    this.lastProgressAt = Date.now();
    this.timer = setInterval(() => this.check(), Math.max(250, Math.floor(this.stallMs / 4)));
    // Never the reason a process stays alive.
    this.timer.unref();
  }

  /** A batch committed (or the run went on after a pause). */
  progressed(): void {
    this.suspended = false;
    this.lastProgressAt = Date.now();
  }

  /** The run pauses on purpose (throttling): no stall until it goes on. */
  suspend(): void {
    this.suspended = true;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if (!this.fired && !this.suspended && Date.now() - this.lastProgressAt >= this.stallMs) {
      this.fired = true;
      this.stop();
      this.onStall();
    }
  }
}
