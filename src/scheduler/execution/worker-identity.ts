import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { AppConfig, ExecutionMode } from '../../config/app-config';
import { RunWorker } from '../../runs/entities/job-run.entity';

/**
 * Who this process is, as runs and the worker list show it: host, pid, and how it executes jobs.
 * The id is unique per process (and per app instance, for tests running two in one process).
 */
@Injectable()
export class WorkerIdentity {
  readonly host = hostname().slice(0, 100);
  readonly pid = process.pid;
  readonly id = `${this.host}:${this.pid}:${randomBytes(4).toString('hex')}`;
  readonly mode: ExecutionMode;

  constructor(config: AppConfig) {
    this.mode = config.jobs.execution;
  }

  /** What a run executed here records as its `worker`. */
  asRunWorker(placement: Partial<Pick<RunWorker, 'mode' | 'workerId'>> = {}): RunWorker {
    return {
      host: this.host,
      pid: this.pid,
      mode: placement.mode ?? this.mode,
      workerId: placement.workerId ?? this.id,
    };
  }
}
