import { ChildProcess, spawn } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { configuredSecrets, createSecretScrubber } from '../../logging/secret-scrubber';
import { JobRun } from '../../runs/entities/job-run.entity';
import { RunEvents } from '../../runs/run-events';
import { RunOutcome, RunRecorder } from '../../runs/run-recorder';
import { JobLeaseService } from '../job-lease.service';
import { leaseNameOf } from '../job-request';
import { AdmittedJob, JobExecutor, SubmittedJob } from './job-executor';
import { ShuttingDownError } from './job-errors';
import { JobSlots } from './job-slots';
import { RunExecution } from './run-execution.service';
import { WorkerIdentity } from './worker-identity';

/** `  7: 0x111554a v8::internal::…`: a frame of the native stack trace Node prints when V8 aborts. */
const NATIVE_FRAME = /^\s*\d+: 0x[0-9a-f]+\b/;

/** Lines of a job process's output kept for the record of a crash. */
const TAIL_LINES = 12;
const TAIL_LINE_LENGTH = 300;
/** After SIGTERM (timeout, shutdown), how much longer than SHUTDOWN_GRACE_SECONDS a job process gets before SIGKILL. */
const KILL_AFTER_GRACE_MS = 5_000;

interface JobProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly tail: string[];
  /** Set when this process stopped the child: why (the run is recorded failed with this reason). */
  stoppedBecause: string | null;
}

/**
 * JOB_EXECUTION=process: every job runs in a fresh, short-lived child process (`cli run:execute
 * --run-id N`), at most JOB_CONCURRENCY at once, so that a job that crashes, leaks or runs out of
 * memory takes nothing else down. The child executes the run like any process would (lease, engine,
 * progress and end in the control database); this process supervises it: it enforces
 * JOB_TIMEOUT_SECONDS, and records a child that died without closing its run (a signal, an exit
 * code, its last output lines, secrets scrubbed) as a failed run, releasing the lease it held.
 */
@Injectable()
export class ProcessExecutor implements JobExecutor, BeforeApplicationShutdown {
  readonly mode = 'process' as const;
  private readonly logger = new Logger(ProcessExecutor.name);
  private readonly slots: JobSlots;
  private readonly children = new Map<number, JobProcess>();
  private readonly scrub: (text: string) => string;
  private readonly timeoutMs: number;
  private readonly killAfterMs: number;
  private readonly heapMb: number;
  private closing = false;

  constructor(
    private readonly execution: RunExecution,
    private readonly recorder: RunRecorder,
    private readonly leases: JobLeaseService,
    private readonly events: RunEvents,
    private readonly identity: WorkerIdentity,
    config: AppConfig,
  ) {
    this.slots = new JobSlots(config.jobs.concurrency);
    this.scrub = createSecretScrubber(configuredSecrets(config));
    this.timeoutMs = config.jobs.timeoutSeconds * 1000;
    this.killAfterMs = config.shutdownGraceSeconds * 1000 + KILL_AFTER_GRACE_MS;
    this.heapMb = config.jobs.processHeapMb;
  }

  async submit(job: AdmittedJob): Promise<SubmittedJob> {
    if (this.closing) {
      throw new ShuttingDownError();
    }
    const finished = this.slots.acquire().then(async (release) => {
      try {
        return await this.runInChild(job);
      } finally {
        release();
      }
    });
    return { finished };
  }

  /** Runs executing in job processes of this process now. */
  runningRunIds(): number[] {
    return [...this.children.keys()];
  }

  /**
   * Asks every job process to stop after its batch (SIGTERM: each records its run `stopped`), and
   * kills those still running after SHUTDOWN_GRACE_SECONDS and a few seconds more.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.slots.close();
    const running = [...this.children.values()];
    if (running.length === 0) {
      return;
    }
    this.logger.log(`Stopping ${running.length} job process(es) for shutdown: runs ${this.runningRunIds().join(', ')}`);
    running.forEach((job) => job.child.kill('SIGTERM'));
    await Promise.all(running.map((job) => this.killIfStillRunning(job, this.killAfterMs)));
  }

  /** Never rejects: whatever the child does, the run ends recorded. */
  private async runInChild(job: AdmittedJob): Promise<JobRun> {
    if (this.closing) {
      return this.execution.closeUnexecuted(job, new ShuttingDownError());
    }
    let started: JobProcess;
    try {
      started = this.spawnChild(job);
    } catch (error) {
      return this.execution.closeUnexecuted(job, error);
    }
    this.children.set(job.runId, started);
    const timeout = setTimeout(() => void this.stopForTimeout(job, started), this.timeoutMs);
    timeout.unref();
    try {
      const exit = await started.exited;
      return await this.recordEnd(job, started, exit);
    } catch (error) {
      this.logger.error(`Could not record the end of run ${job.runId}: ${this.scrub((error as Error).message)}`);
      return this.execution.closeUnexecuted(job, error);
    } finally {
      clearTimeout(timeout);
      this.children.delete(job.runId);
    }
  }

  private spawnChild(job: AdmittedJob): JobProcess {
    const { command, args } = this.commandFor(job.runId);
    // The child inherits this process's environment: the same configuration, databases and secrets.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: string) => {
      for (const line of chunk.split('\n')) {
        // Native stack frames of a V8 abort say nothing to an operator; the line before them does.
        if (line.trim() !== '' && !NATIVE_FRAME.test(line)) {
          tail.push(line.slice(0, TAIL_LINE_LENGTH));
          this.logger.debug(`run ${job.runId} (pid ${child.pid}): ${this.scrub(line)}`);
        }
      }
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    };
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', keep);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => {
        tail.push(`could not start the job process: ${error.message}`);
        resolve({ code: null, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    this.logger.log(
      `Run ${job.runId} (${job.request.job} ${job.request.tableName}) executes in job process ${child.pid}`,
    );
    return { child, exited, tail, stoppedBecause: null };
  }

  private commandFor(runId: number): { command: string; args: string[] } {
    return {
      command: process.execPath,
      args: jobProcessArguments({
        execArgv: process.execArgv,
        ownFile: __filename,
        heapMb: this.heapMb,
        runId,
        workerId: this.identity.id,
      }),
    };
  }

  /**
   * Records the run failed first (so that it never shows the `stopped` its job process is about to
   * write: the first end wins, the job process only adds its final row counts), then asks the job
   * process to stop after its batch (SIGTERM), and kills it if it has not within the grace period.
   */
  private async stopForTimeout(job: AdmittedJob, child: JobProcess): Promise<void> {
    const seconds = this.timeoutMs / 1000;
    child.stoppedBecause = `it ran longer than JOB_TIMEOUT_SECONDS (${seconds} s) and was stopped`;
    this.logger.warn(`Run ${job.runId} exceeded JOB_TIMEOUT_SECONDS (${seconds} s): stopping its job process`);
    try {
      const run = await this.recorder.get(job.runId);
      if (run?.status === 'running') {
        await this.execution.conclude(run, this.failedOutcome(run, child.stoppedBecause, 'timeout', null));
      }
    } catch (error) {
      this.logger.warn(`Could not record the timeout of run ${job.runId}: ${this.scrub((error as Error).message)}`);
    }
    child.child.kill('SIGTERM');
    await this.killIfStillRunning(child, this.killAfterMs);
  }

  private failedOutcome(
    run: JobRun,
    why: string,
    stopReason: 'timeout' | 'crashed',
    exit: { code: number | null; signal: NodeJS.Signals | null } | null,
  ): RunOutcome {
    return {
      status: 'failed',
      error: `stopped after ${run.batches} batches: ${why}`,
      rowsArchived: run.rowsArchived,
      rowsPurged: run.rowsPurged,
      batches: run.batches,
      details: { ...(run.details ?? {}), stopReason, exitCode: exit?.code ?? null, signal: exit?.signal ?? null },
    };
  }

  /** SIGKILL once `ms` have passed, unless it exited by then. */
  private async killIfStillRunning(job: JobProcess, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    const outcome = await Promise.race([job.exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      job.child.kill('SIGKILL');
      await job.exited;
    }
  }

  /**
   * The run as its child left it. A child that died without closing its record (killed, out of
   * memory, crashed) or that this process stopped (timeout) leaves a failed run, and the lease it
   * held is released so that the next run need not wait for it to expire.
   */
  private async recordEnd(
    job: AdmittedJob,
    process: JobProcess,
    exit: { code: number | null; signal: NodeJS.Signals | null },
  ): Promise<JobRun> {
    const run = await this.recorder.get(job.runId);
    if (!run) {
      return this.execution.closeUnexecuted(job, new Error(`run ${job.runId} disappeared`));
    }
    if (run.status !== 'running') {
      if (process.stoppedBecause === null) {
        this.events.publish({ kind: 'finished', run });
      }
      await this.releaseLeaseOf(job);
      return run;
    }
    const how = exit.signal
      ? `was killed by ${exit.signal}`
      : exit.code === null
        ? 'could not start'
        : `exited with code ${exit.code}`;
    const why = `its job process (pid ${process.child.pid ?? '?'}) ${how}`;
    const lastLines = process.tail.length > 0 ? `; last output: ${process.tail.join(' | ')}` : '';
    await this.releaseLeaseOf(job);
    return this.execution.conclude(run, this.failedOutcome(run, `${why}${lastLines}`, 'crashed', exit));
  }

  /** The child is gone: a lease still naming its run is released (only that run's, never another holder's). */
  private async releaseLeaseOf(job: AdmittedJob): Promise<void> {
    try {
      await this.leases.releaseOfRun(leaseNameOf(job.request), job.runId);
    } catch (error) {
      // It expires by itself after JOB_LEASE_TTL_SECONDS.
      this.logger.warn(`Could not release the lease of run ${job.runId}: ${this.scrub((error as Error).message)}`);
    }
  }
}

/**
 * `node` arguments of a job process: `[this process's flags] cli.js run:execute --run-id N
 * --worker-id ID`, cli.js beside this process's own entry point (in the image dist/cli.js next to
 * dist/main.js; under ts-node src/cli.ts, with ts-node's loader). Its flags are this process's
 * (the V8 limits of `npm run start:prod`, the loader); JOB_PROCESS_HEAP_MB, when set, replaces the
 * heap limit among them (and, coming after it, NODE_OPTIONS' too).
 */
export function jobProcessArguments(given: {
  execArgv: readonly string[];
  /** A file of this directory (src/scheduler/execution or dist/scheduler/execution). */
  ownFile: string;
  heapMb: number;
  runId: number;
  workerId: string;
}): string[] {
  const extension = extname(given.ownFile);
  const entry = join(dirname(given.ownFile), '..', '..', `cli${extension}`);
  const flags =
    given.heapMb > 0
      ? [
          ...given.execArgv.filter((flag) => !flag.startsWith('--max-old-space-size')),
          `--max-old-space-size=${given.heapMb}`,
        ]
      : [...given.execArgv];
  if (extension === '.ts' && !flags.some((flag) => flag.includes('ts-node'))) {
    flags.unshift('-r', 'ts-node/register/transpile-only');
  }
  return [...flags, entry, 'run:execute', '--run-id', String(given.runId), '--worker-id', given.workerId];
}
