import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { ProcessExecutor } from '../scheduler/execution/process-executor';
import { RunExecution } from '../scheduler/execution/run-execution.service';
import { WorkerIdentity } from '../scheduler/execution/worker-identity';
import { JobWorker } from './entities/job-worker.entity';

/** How often a worker writes its heartbeat. */
export const WORKER_HEARTBEAT_MS = 5_000;
/** A worker whose heartbeat is older than this is gone (crashed, killed, cut off) and no longer listed. */
export const WORKER_STALE_MS = 3 * WORKER_HEARTBEAT_MS;
/** Rows of workers gone for this long are deleted (a crashed process never deletes its own). */
const WORKER_FORGET_MS = 24 * 3600 * 1000;

/** Where the runs executing for this process come from (the process executor's children, for one). */
export interface LocalRunsSource {
  runningRunIds(): number[];
}

/**
 * Announces this process in `job_workers` and keeps its heartbeat (and the runs it executes)
 * current, every WORKER_HEARTBEAT_MS; removes it at shutdown. A heartbeat that fails is logged and
 * tried again: the worker list is for people, never a reason to stop a job.
 */
@Injectable()
export class WorkerRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerRegistry.name);
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | null = null;
  private readonly sources: LocalRunsSource[] = [];
  private registered = false;

  constructor(
    @InjectRepository(JobWorker, CONTROL_DB) private readonly workers: Repository<JobWorker>,
    private readonly identity: WorkerIdentity,
    private readonly config: AppConfig,
    execution: RunExecution,
    processes: ProcessExecutor,
  ) {
    this.sources.push(execution, processes);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobs.execution === 'queue' && this.config.appRole === 'api') {
      // An API-only instance of queue mode executes nothing: the workers are the queue's consumers.
      return;
    }
    const now = new Date();
    try {
      await this.workers.delete({ heartbeatAt: LessThan(new Date(now.getTime() - WORKER_FORGET_MS)) });
      await this.workers.insert({ ...this.registration(now), heartbeatAt: now, running: this.running() });
      this.registered = true;
    } catch (error) {
      this.logger.warn(`Could not register this worker (${this.identity.id}): ${(error as Error).message}`);
    }
    this.timer = setInterval(() => void this.heartbeat(), WORKER_HEARTBEAT_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    try {
      await this.workers.delete({ id: this.identity.id });
    } catch (error) {
      // Its heartbeat stops: it drops out of the list after WORKER_STALE_MS all the same.
      this.logger.warn(`Could not unregister this worker: ${(error as Error).message}`);
    }
  }

  /** This worker's row as registered: who it is and since when (the heartbeat columns are the caller's). */
  private registration(startedAt: Date) {
    const { id, host, pid, mode } = this.identity;
    return { id, host, pid, mode, concurrency: this.config.jobs.concurrency, startedAt };
  }

  /** Writes the heartbeat now (one at a time). Never throws. */
  heartbeat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    try {
      const update = { heartbeatAt: new Date(), running: this.running() };
      if (this.registered) {
        await this.workers.update({ id: this.identity.id }, update);
      } else {
        await this.workers.insert({ ...this.registration(new Date()), ...update });
        this.registered = true;
      }
    } catch (error) {
      this.logger.warn(`Could not write the heartbeat of this worker: ${(error as Error).message}`);
    }
  }

  private running(): number[] {
    return [...new Set(this.sources.flatMap((source) => source.runningRunIds()))].sort((a, b) => a - b);
  }
}
