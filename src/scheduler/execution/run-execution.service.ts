import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ArchivalEngine } from '../../archive/archival-engine';
import { EngineError } from '../../archive/engine/engine-errors';
import { RunWindow } from '../../archive/engine/run-window';
import { BatchThrottle, PauseReason, ServerThrottle } from '../../archive/engine/throttle';
import { ReplicaProbes } from '../../database/replica-probes';
import { SqlClient } from '../../database/sql-client';
import { BatchProgress, EngineRunOptions, EngineRunResult } from '../../archive/engine/engine.types';
import { AuditService } from '../../audit/audit.service';
import { AppConfig } from '../../config/app-config';
import { BUILT_IN_SOURCE } from '../../connections/connection-names';
import { DataSourceFactory } from '../../connections/data-source-factory';
import { configuredSecrets, createSecretScrubber } from '../../logging/secret-scrubber';
import { Policy } from '../../policy/entities/policy.entity';
import { PolicyService } from '../../policy/policy.service';
import { PurgeEngine } from '../../purge/purge-engine';
import { JobRun, RunWorker } from '../../runs/entities/job-run.entity';
import { RunEvents } from '../../runs/run-events';
import { RunOutcome, RunRecorder } from '../../runs/run-recorder';
import { JobLease } from '../entities/job-lease.entity';
import { HeldLease, JobLeaseService } from '../job-lease.service';
import { JobRequest, leaseNameOf, policyLabelOf } from '../job-request';
import { LeaseKeeper, RunStop } from '../lease-keeper';
import { outcomeOfError, outcomeOfResult, outcomeOfTermination, sameTickOutcome, skippedOutcome } from '../run-outcome';
import { StallWatchdog } from '../stall-watchdog';
import { AdmittedJob, RunObserver } from './job-executor';
import { CancelWatch } from './cancel-watch';
import { RunCancelledError, RunNotFoundError, ShuttingDownError } from './job-errors';
import { WorkerIdentity } from './worker-identity';

/** Where a run executes, when not simply in this process as configured (a `process`-mode child, a queue worker). */
export type RunPlacement = Partial<Pick<RunWorker, 'mode' | 'workerId'>>;

interface InFlightRun {
  /** Stop after the current batch. */
  readonly controller: AbortController;
  /** Roll back what is in flight now (the run's sessions are killed). */
  readonly terminate: AbortController;
  /** Settles (never rejects) with the final record once the run has stopped and its lease is released. */
  readonly finished: Promise<JobRun>;
}

/** How far apart two instances' schedulers may fire for the same tick (timers, clocks). */
const TICK_SKEW_MS = 5_000;

/** After the grace period and the rollback of what was in flight, how long shutdown still waits for records. */
const SHUTDOWN_RECORDING_MS = 3_000;

/**
 * Progress records and lease renewals after a batch happen at most this often: the engine may
 * commit 50+ batches a second, and the control database must not slow it down.
 */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Executes admitted runs in this process: the lease (one run per job and policy across every
 * process), the engine, progress in the run record while it runs and how it ended. Every executor
 * ends here, in whichever process executes the job: the inline executor in the process that
 * admitted it, a `process`-mode child (`cli run:execute --run-id N`), a queue worker.
 */
@Injectable()
export class RunExecution implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RunExecution.name);
  private readonly inFlight = new Map<number, InFlightRun>();
  /** Runs between being handed over and their first batch; shutdown waits for them before stopping runs. */
  private readonly starting = new Set<Promise<unknown>>();
  private closing = false;
  /** Error texts land in the API and logs: configured secrets never do. */
  private readonly scrub: (text: string) => string;
  private readonly batchTargetMs: number;
  private readonly lanes: number;
  private readonly shutdownGraceMs: number;
  private readonly runStallMs: number;
  private readonly throttleDefaults: AppConfig['throttle'];

  constructor(
    private readonly policies: PolicyService,
    private readonly leases: JobLeaseService,
    private readonly recorder: RunRecorder,
    private readonly databases: DataSourceFactory,
    private readonly archival: ArchivalEngine,
    private readonly purge: PurgeEngine,
    private readonly audit: AuditService,
    private readonly events: RunEvents,
    private readonly replicas: ReplicaProbes,
    private readonly identity: WorkerIdentity,
    config: AppConfig,
  ) {
    this.scrub = createSecretScrubber(configuredSecrets(config));
    this.batchTargetMs = config.archiveBatchTargetMs;
    this.lanes = config.archiveLanes;
    this.shutdownGraceMs = config.shutdownGraceSeconds * 1000;
    this.runStallMs = config.runStallSeconds * 1000;
    this.throttleDefaults = config.throttle;
  }

  /** False once shutdown has begun: no new run starts here. */
  get acceptingJobs(): boolean {
    return !this.closing;
  }

  /** Ids of the runs this process is executing right now. */
  runningRunIds(): number[] {
    return [...this.inFlight.keys()];
  }

  /**
   * Executes an admitted run to its end and returns the final record: `succeeded`, `failed` (with
   * `error`), `stopped`, or `skipped` when the job already runs on that policy elsewhere (or already
   * ran for the same scheduled tick). Run failures are recorded, not thrown; a run that has already
   * ended is returned as it is.
   * @throws RunNotFoundError when there is no run with that id
   */
  async execute(job: AdmittedJob, placement?: RunPlacement): Promise<JobRun> {
    return (await this.begin(job, placement)).finished;
  }

  /**
   * Like execute(), but resolves as soon as the run has either started (its lease taken) or ended
   * without starting (skipped, refused); `finished` never rejects.
   * @throws RunNotFoundError when there is no run with that id
   */
  async begin(job: AdmittedJob, placement: RunPlacement = {}): Promise<{ finished: Promise<JobRun> }> {
    const run = await this.recorder.get(job.runId);
    if (!run) {
      throw new RunNotFoundError(job.runId);
    }
    if (run.status !== 'running') {
      return { finished: Promise.resolve(run) };
    }
    if (run.cancelRequestedAt) {
      const cancelled = new RunCancelledError(run.cancelRequestedBy);
      return { finished: this.conclude(run, outcomeOfError(job.request.job, cancelled, null)) };
    }
    if (this.closing) {
      return { finished: this.conclude(run, outcomeOfError(job.request.job, new ShuttingDownError(), null)) };
    }
    const begun = this.prepare(run, job.request, job.observer ?? {}, placement);
    this.starting.add(begun);
    const forget = () => this.starting.delete(begun);
    void begun.then(forget, forget);
    return begun;
  }

  /**
   * Closes the record of a run that will not execute (its executor refused it or lost it), so that
   * it does not stay `running`. Never rejects.
   */
  async closeUnexecuted(job: AdmittedJob, error: unknown): Promise<JobRun> {
    const outcome = outcomeOfError(job.request.job, error, null);
    let run: JobRun | null = null;
    try {
      run = await this.recorder.get(job.runId);
    } catch (readError) {
      this.logger.warn(`Could not read run ${job.runId}: ${this.scrub((readError as Error).message)}`);
    }
    if (run && run.status !== 'running') {
      return run;
    }
    const known =
      run ??
      Object.assign(new JobRun(), {
        id: job.runId,
        job: job.request.job,
        tableName: job.request.tableName,
        sourceConnection: job.request.sourceConnection ?? BUILT_IN_SOURCE,
        trigger: job.request.trigger,
      });
    return this.conclude(known, outcome);
  }

  /** Refuses every run from now on (shutdown has begun); the runs in flight are stopped by the shutdown hook. */
  stopAccepting(): void {
    this.closing = true;
  }

  /**
   * Stops running jobs after their current batch and waits for them: records closed, leases
   * released. A batch that has not finished within SHUTDOWN_GRACE_SECONDS (a lock wait, a slow
   * statement) is rolled back — its sessions killed — and the run recorded as stopped; shutdown
   * never waits longer than that, plus a few seconds to write the records.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.shutdownGraceMs;
    await settlesWithin(Promise.allSettled([...this.starting]), this.shutdownGraceMs);
    const runs = [...this.inFlight.values()];
    if (runs.length === 0) {
      return;
    }
    const ids = this.runningRunIds().join(', ');
    this.logger.log(`Stopping ${runs.length} running job(s) for shutdown after their current batch: runs ${ids}`);
    runs.forEach((run) => run.controller.abort(new RunStop('the service is shutting down', 'stopped')));
    const finished = Promise.allSettled(runs.map((run) => run.finished));
    if (await settlesWithin(finished, deadline - Date.now())) {
      return;
    }
    const grace = this.shutdownGraceMs / 1000;
    this.logger.warn(
      `Runs ${this.runningRunIds().join(', ')} did not finish their batch within SHUTDOWN_GRACE_SECONDS (${grace} s): ` +
        'rolling back what is in flight',
    );
    const stop = new RunStop(
      `the service is shutting down and the batch did not finish within SHUTDOWN_GRACE_SECONDS (${grace} s)`,
      'stopped',
    );
    runs.forEach((run) => run.terminate.abort(stop));
    if (!(await settlesWithin(finished, SHUTDOWN_RECORDING_MS))) {
      this.logger.error(
        `Runs ${this.runningRunIds().join(', ')} could not be recorded before exit; the next run of each job closes ` +
          'its record once the lease has expired (JOB_LEASE_TTL_SECONDS)',
      );
    }
  }

  /** Policy, lease, audit entry — then the job itself in the background. Never rejects. */
  private async prepare(
    run: JobRun,
    request: JobRequest,
    observer: RunObserver,
    placement: RunPlacement,
  ): Promise<{ finished: Promise<JobRun> }> {
    try {
      return await this.prepareOrThrow(run, request, observer, placement);
    } catch (error) {
      return { finished: this.conclude(run, outcomeOfError(request.job, error, null)) };
    }
  }

  private async prepareOrThrow(
    run: JobRun,
    request: JobRequest,
    observer: RunObserver,
    placement: RunPlacement,
  ): Promise<{ finished: Promise<JobRun> }> {
    const policy = await this.policies.findByTable(request.tableName, request.sourceConnection);
    const claim = await this.leases.acquire(leaseNameOf(request), run.id);
    if (!claim.acquired) {
      return { finished: this.conclude(run, skippedOutcome(request, claim.holder)) };
    }
    try {
      run.worker = this.identity.asRunWorker(placement);
      await this.recorder.claimedBy(run, run.worker);
      if (claim.tookOverFrom) {
        await this.closeAbandonedRun(claim.tookOverFrom, run.id);
      }
      const sameTick = await this.ranForTick(run, request);
      if (sameTick) {
        await this.releaseQuietly(claim.lease);
        return { finished: this.conclude(run, sameTickOutcome(request, sameTick)) };
      }
      await this.recordStart(request, run);
    } catch (error) {
      await this.releaseQuietly(claim.lease);
      throw error;
    }
    const controller = new AbortController();
    const terminate = new AbortController();
    if (this.closing) {
      controller.abort(new RunStop('the service is shutting down', 'stopped'));
    }
    const finished = this.run(policy, run, claim.lease, { controller, terminate }, request, observer);
    this.inFlight.set(run.id, { controller, terminate, finished });
    void finished.then(() => this.inFlight.delete(run.id));
    return { finished };
  }

  /** Runs the engine while keeping the lease; records how it ended; releases the lease. Never rejects. */
  private async run(
    policy: Policy,
    run: JobRun,
    lease: HeldLease,
    stops: Pick<InFlightRun, 'controller' | 'terminate'>,
    request: JobRequest,
    observer: RunObserver,
  ): Promise<JobRun> {
    const { controller, terminate } = stops;
    const keeper = new LeaseKeeper(this.leases, lease, (reason) => controller.abort(reason));
    const cancels = new CancelWatch(this.recorder, run.id, (reason) => controller.abort(reason));
    // Pause records are written one after another, so the last one written is the last one said.
    let pauseRecorded: Promise<void> = Promise.resolve();
    const onPause = (pause: { reason: PauseReason; message: string } | null) => {
      // A pause is not a stall: the watchdog counts from when the run goes on again.
      if (pause) {
        watchdog.suspend();
      } else {
        watchdog.progressed();
      }
      pauseRecorded = pauseRecorded.then(() =>
        this.recorder.paused(run, pause).catch((error: unknown) => {
          this.logger.warn(`Could not record the pause of run ${run.id}: ${this.scrub((error as Error).message)}`);
        }),
      );
      this.events.publish({ kind: 'paused', run, reason: pause?.reason ?? null, message: pause?.message ?? null });
      try {
        observer.onPause?.(pause ? pause.message : null);
      } catch (error) {
        this.logger.warn(`A pause observer failed: ${(error as Error).message}`);
      }
    };
    const watchdog = new StallWatchdog(this.runStallMs, () => {
      const seconds = this.runStallMs / 1000;
      const stall = new RunStop(`no batch committed for ${seconds} s (RUN_STALL_SECONDS)`, 'failed');
      this.logger.error(`Run ${run.id} (${run.job} ${run.tableName}) stalled: ${stall.message}; rolling it back`);
      controller.abort(stall);
      terminate.abort(stall);
    });
    let lastProgress: BatchProgress | null = null;
    let lastCheckpoint = 0;
    const onBatch = async (progress: BatchProgress) => {
      lastProgress = progress;
      watchdog.progressed();
      this.events.publish({ kind: 'batch', run, progress });
      this.notify(observer, progress);
      const checkpoint = Date.now() - lastCheckpoint >= CHECKPOINT_INTERVAL_MS;
      if (checkpoint) {
        lastCheckpoint = Date.now();
      }
      // A cancel is looked for after every batch, wherever it was asked for (one read by primary key).
      await Promise.all([cancels.check(), ...(checkpoint ? [this.recordProgress(run, progress), keeper.renew()] : [])]);
    };
    keeper.startHeartbeat();
    cancels.start();
    watchdog.start();
    this.events.publish({ kind: 'started', run });
    let outcome: RunOutcome;
    try {
      const result = await this.runEngine(policy, run, request, stops, { onBatch, onPause });
      outcome = outcomeOfResult(request.job, result, stopOf(controller.signal));
    } catch (error) {
      const stop = stopOf(terminate.signal);
      outcome =
        stop instanceof RunStop
          ? outcomeOfTermination(request.job, stop, lastProgress)
          : outcomeOfError(request.job, error, lastProgress);
    } finally {
      keeper.stopHeartbeat();
      cancels.stopWatching();
      watchdog.stop();
      // Released before the end is recorded: whoever sees the run ended may start the next one at once.
      await this.releaseQuietly(lease);
    }
    await pauseRecorded;
    return this.conclude(run, outcome);
  }

  /** The engine gets the policy's own connections; one that cannot be opened fails this run only. */
  private runEngine(
    policy: Policy,
    run: JobRun,
    request: JobRequest,
    stops: Pick<InFlightRun, 'controller' | 'terminate'>,
    observers: Pick<EngineRunOptions, 'onBatch' | 'onPause'>,
  ): Promise<EngineRunResult> {
    return this.databases.withClients(policy.sourceConnection, policy.archiveConnection, (source, archive) => {
      const options: EngineRunOptions = {
        policy,
        source,
        archive,
        runId: run.id,
        batchSize: request.options?.batchSize ?? this.policies.batchSizeOf(policy),
        dryRun: Boolean(request.dryRun),
        sleepBetweenBatchesMs: request.options?.sleepBetweenBatchesMs,
        maxRuntimeMs: request.options?.maxRuntimeMs,
        targetBatchMs: (request.options?.targetBatchMs ?? this.batchTargetMs) || undefined,
        lanes: request.options?.lanes ?? this.lanes,
        signal: stops.controller.signal,
        terminate: stops.terminate.signal,
        throttle: this.throttleFor(policy, request, request.job === 'archive' ? source : archive),
        ...observers,
      };
      switch (request.job) {
        case 'archive':
          return this.archival.run(options);
        case 'purge':
          return this.purge.run(options);
      }
    });
  }

  /**
   * The run's throttle from its options, then its policy, then the service defaults; none when no
   * check applies. An archive run watches the source's replicas and load; a purge only deletes in
   * the archive, so it watches the archive server's load and keeps to the run window.
   */
  private throttleFor(policy: Policy, request: JobRequest, server: SqlClient): BatchThrottle | undefined {
    const asked = request.options ?? {};
    const defaults = this.throttleDefaults;
    const windowText = asked.runWindow ?? policy.runWindow;
    const runWindow = windowText ? RunWindow.parse(windowText) : defaults.runWindow;
    if (typeof runWindow === 'string') {
      throw new EngineError(`runWindow: ${runWindow}`);
    }
    // SOURCE_REPLICA_URLS are replicas of the built-in source: a stored source connection has none configured.
    const replicas =
      request.job === 'archive' && policy.sourceConnection === BUILT_IN_SOURCE ? this.replicas.ofSource() : [];
    const throttle = new ServerThrottle(server, replicas, {
      maxReplicaLagSeconds: asked.maxReplicaLagSeconds ?? policy.maxReplicaLagSeconds ?? defaults.maxReplicaLagSeconds,
      maxThreadsRunning: asked.maxThreadsRunning ?? policy.maxThreadsRunning ?? defaults.maxThreadsRunning,
      runWindow,
    });
    return throttle.active ? throttle : undefined;
  }

  /** Writes how the run ended (secrets scrubbed from the error), logs it and tells the listeners. Never rejects. */
  async conclude(run: JobRun, outcome: RunOutcome): Promise<JobRun> {
    const safe = { ...outcome, error: outcome.error === null ? null : this.scrub(outcome.error) };
    const summary = `Run ${run.id} (${run.job} ${policyLabelOf(run)}, ${run.trigger}) ${safe.status}`;
    switch (safe.status) {
      case 'failed':
        this.logger.warn(`${summary}: ${safe.error}`);
        break;
      case 'stopped':
      case 'cancelled':
      case 'skipped':
        this.logger.log(`${summary}: ${safe.error}`);
        break;
      case 'succeeded':
        this.logger.log(`${summary}: ${safe.rowsArchived + safe.rowsPurged} rows in ${safe.batches} batches`);
        break;
    }
    let finished: JobRun;
    try {
      finished = await this.recorder.finish(run, safe);
    } catch (error) {
      this.logger.error(`Could not record the end of run ${run.id}: ${this.scrub((error as Error).message)}`);
      finished = Object.assign(new JobRun(), run, safe, { finishedAt: new Date() });
    }
    this.events.publish({ kind: 'finished', run: finished });
    return finished;
  }

  private async recordProgress(run: JobRun, progress: BatchProgress): Promise<void> {
    try {
      await this.recorder.progress(run, progress.rows, progress.batches);
    } catch (error) {
      // The job itself is fine; the final record will carry the numbers.
      this.logger.warn(`Could not record progress of run ${run.id}: ${this.scrub((error as Error).message)}`);
    }
  }

  private async recordStart(request: JobRequest, run: JobRun): Promise<void> {
    await this.audit.record({
      actor: request.requestedBy ?? 'system',
      action: 'run.start',
      tableName: request.tableName,
      connection: run.sourceConnection,
      details: { runId: run.id, job: request.job, trigger: request.trigger, dryRun: Boolean(request.dryRun) },
    });
  }

  /**
   * For a scheduled run: the run of the same job and table that another instance already made for
   * this tick (started at most TICK_SKEW_MS before the tick's time, since the instances' clocks and
   * timers differ a little), if any.
   */
  private async ranForTick(run: JobRun, request: JobRequest): Promise<JobRun | null> {
    if (!request.tickAt) {
      return null;
    }
    return this.recorder.scheduledSince(run, new Date(Date.parse(request.tickAt) - TICK_SKEW_MS));
  }

  /** The previous holder of a lease we took over died mid-run; its record would say `running` forever. */
  private async closeAbandonedRun(previous: JobLease, runId: number): Promise<void> {
    // The same run again: an executor retrying a run whose first attempt died (a queue redelivery).
    if (previous.runId === null || previous.runId === runId) {
      return;
    }
    try {
      await this.recorder.markAbandoned(
        previous.runId,
        `abandoned: its process (${previous.owner}) stopped renewing its lease, which expired at ` +
          `${previous.expiresAt.toISOString()}; run ${runId} took over. Rows it had moved stay moved.`,
      );
    } catch (error) {
      this.logger.warn(`Could not close abandoned run ${previous.runId}: ${this.scrub((error as Error).message)}`);
    }
  }

  private async releaseQuietly(lease: HeldLease): Promise<void> {
    try {
      await this.leases.release(lease);
    } catch (error) {
      // It expires by itself after JOB_LEASE_TTL_SECONDS.
      this.logger.error(`Could not release the lease ${lease.name}: ${this.scrub((error as Error).message)}`);
    }
  }

  private notify(observer: RunObserver, progress: BatchProgress): void {
    try {
      observer.onProgress?.(progress);
    } catch (error) {
      this.logger.warn(`A progress observer failed: ${(error as Error).message}`);
    }
  }
}

/** Whether `work` settles within `ms` (it is left running either way). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function stopOf(signal: AbortSignal): Error | null {
  return signal.aborted && signal.reason instanceof Error ? signal.reason : null;
}
