import { Injectable, Logger } from '@nestjs/common';
import type { BatchProgress } from '../archive/engine/engine.types';
import type { JobRun } from './entities/job-run.entity';

/** What happens to a run while it executes, as observers (metrics, later a console) see it. */
export type RunEvent =
  | { kind: 'started'; run: JobRun }
  /** A batch committed: `progress.batch` is that batch, the rest are the run's totals. */
  | { kind: 'batch'; run: JobRun; progress: BatchProgress }
  /** The run paused between batches (why), or resumed (`reason` null). */
  | { kind: 'paused'; run: JobRun; reason: string | null; message: string | null }
  /** The run ended; `run` is its final record. */
  | { kind: 'finished'; run: JobRun };

export type RunEventListener = (event: RunEvent) => void;

/**
 * Run events of this process, published by the job runner to whoever listens. Listeners are called
 * synchronously and must be quick; one that throws is logged and never disturbs the run.
 */
@Injectable()
export class RunEvents {
  private readonly logger = new Logger(RunEvents.name);
  private readonly listeners = new Set<RunEventListener>();

  /** Starts listening; returns the function that stops it. */
  listen(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A run event listener failed on "${event.kind}": ${(error as Error).message}`);
      }
    }
  }
}
