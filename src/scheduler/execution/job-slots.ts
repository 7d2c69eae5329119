/**
 * At most `size` jobs at once in this process (JOB_CONCURRENCY); the rest wait their turn, first
 * come first served. `close()` lets every waiter through at once, so that shutdown never waits on
 * a queue: what they run then must refuse to start (it sees the shutdown) and record why.
 */
export class JobSlots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(readonly size: number) {}

  /** Whether a job would start now without waiting. */
  get free(): boolean {
    return this.closed || this.busy < this.size;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the function that frees the slot (call it exactly once). */
  async acquire(): Promise<() => void> {
    if (!this.free) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.busy++;
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      this.busy--;
      this.waiting.shift()?.();
    };
  }

  close(): void {
    this.closed = true;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}
