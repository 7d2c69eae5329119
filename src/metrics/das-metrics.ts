import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_KINDS, JobKind, RunStatus } from '../runs/entities/job-run.entity';
import {
  JOB_TABLE_LABEL_NAMES,
  JobTableLabels,
  KNOWN_PAUSE_REASONS,
  TABLE_LABEL_NAMES,
  TableLabels,
  labelKey,
  tablePart,
} from './metric-labels';

/** Every DAS series starts with this, Node's process metrics included: `{__name__=~"das_.*"}` is all of DAS. */
export const METRIC_PREFIX = 'das_';

/**
 * Seconds a batch takes, from a few milliseconds (a small batch moved inside one server) to the
 * tens of seconds where lock waits and statement limits (ARCHIVE_LOCK_WAIT_SECONDS) start to bite.
 */
export const BATCH_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * prom-client's default metrics include three gauges named like counters, which Prometheus' linter
 * (`promtool check metrics`) rejects; their per-type siblings (`…_active_handles{type}` etc.) carry
 * the same numbers, summed.
 */
const MISNAMED_PROCESS_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Seconds a queued job waits before a worker takes it: from an instant (workers idle) to the hours a
 * scheduled tick's last policies may wait behind its first ones.
 */
export const QUEUE_WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600];

/** BullMQ job states reported by das_queue_jobs (queue mode). */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** How a run can end; each has its series from the start, so `increase()` sees the first failure. */
const FINAL_STATUSES: readonly Exclude<RunStatus, 'running'>[] = [
  'succeeded',
  'failed',
  'skipped',
  'stopped',
  'cancelled',
];

export interface DasMetricsOptions {
  /** Node's process metrics (CPU, memory, event loop, GC), prefixed like the rest. */
  readonly processMetrics: boolean;
}

/** One count of a policy's archive backlog (ArchiveBacklog). */
export interface BacklogSample {
  readonly rows: number;
  /** The count stopped at METRICS_BACKLOG_MAX_ROWS: the backlog is at least `rows`. */
  readonly capped: boolean;
  readonly sampledAt: Date;
}

interface Series<T> {
  readonly labels: T;
  value: number;
}

/**
 * The Prometheus side of DAS, as a port: it owns its registry (never prom-client's global one, so
 * two apps in one process, as in tests, never share a series) and says what each metric means.
 * Callers report facts — a batch committed, a run ended, a backlog counted — and never touch
 * prom-client themselves.
 */
export class DasMetrics {
  private readonly registry = new Registry();
  private readonly rowsArchived = this.counter(
    'rows_archived_total',
    'Rows moved from the source to the archive by this process (archive runs).',
    TABLE_LABEL_NAMES,
  );
  private readonly rowsPurged = this.counter(
    'rows_purged_total',
    'Archived rows deleted for good by this process (purge runs).',
    TABLE_LABEL_NAMES,
  );
  private readonly batches = this.counter('batches_total', 'Batches committed by this process.', JOB_TABLE_LABEL_NAMES);
  private readonly batchBytes = this.counter(
    'batch_bytes_total',
    'Bytes of row data that travelled through this process in committed batches (0 when rows moved inside the server).',
    JOB_TABLE_LABEL_NAMES,
  );
  private readonly batchDuration = new Histogram({
    name: `${METRIC_PREFIX}batch_duration_seconds`,
    help: 'Wall time of each committed batch, from its read to its commit.',
    labelNames: ['job'],
    buckets: BATCH_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly runs = this.counter(
    'runs_total',
    'Runs this process ended, by job and final status (dry runs included).',
    ['job', 'status'],
  );
  private readonly runsRunning = this.gauge('runs_running', 'Runs executing in this process now.', ['job']);
  private readonly runsPaused = this.gauge(
    'run_paused',
    'Runs of this process paused between batches now, by why (replica lag, server load).',
    ['reason'],
  );
  private readonly lastSuccess = this.gauge(
    'last_success_timestamp_seconds',
    'When the latest successful run (not a dry run) of each job on each enabled policy ended, from any process.',
    JOB_TABLE_LABEL_NAMES,
  );
  private readonly backlogRows = this.gauge(
    'archive_backlog_rows',
    'Rows of each enabled policy older than its archive cutoff still in the source, at the last sample.',
    TABLE_LABEL_NAMES,
  );
  private readonly backlogCapped = this.gauge(
    'archive_backlog_capped',
    '1 when the last backlog sample stopped at METRICS_BACKLOG_MAX_ROWS: the backlog is at least the value shown.',
    TABLE_LABEL_NAMES,
  );
  private readonly backlogSampledAt = this.gauge(
    'archive_backlog_sampled_timestamp_seconds',
    'When the backlog of each enabled policy was last counted.',
    TABLE_LABEL_NAMES,
  );
  private readonly queueJobs = this.gauge(
    'queue_jobs',
    'Jobs in the BullMQ queue by state, queue-wide (queue mode; the same on every instance: aggregate with max, not sum).',
    ['state'],
  );
  private readonly queueUp = this.gauge(
    'queue_up',
    '1 when the queue (Redis) answered the last scrape, 0 when it did not (queue mode only).',
    [],
  );
  private readonly queueWait = new Histogram({
    name: `${METRIC_PREFIX}queue_job_wait_seconds`,
    help: 'How long each queued job waited before a worker took it, queue-wide (queue mode; every instance sees every job).',
    labelNames: ['kind'],
    buckets: QUEUE_WAIT_BUCKETS,
    registers: [this.registry],
  });
  /** Read at each scrape while queue mode is on: the queue's depth, or null when it cannot be read. */
  private queueDepthSource: (() => Promise<Record<QueueJobState, number> | null>) | null = null;
  /** Last successes by series, so that an older reading of the control database never moves one back. */
  private readonly successes = new Map<string, Series<JobTableLabels>>();
  private readonly backlogs = new Map<string, { labels: TableLabels; sample: BacklogSample }>();

  constructor(options: DasMetricsOptions) {
    if (options.processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
      MISNAMED_PROCESS_GAUGES.forEach((name) => this.registry.removeSingleMetric(`${METRIC_PREFIX}${name}`));
    }
    for (const job of JOB_KINDS) {
      this.runsRunning.set({ job }, 0);
      for (const status of FINAL_STATUSES) {
        this.runs.inc({ job, status }, 0);
      }
    }
    this.setPausedRuns(new Map());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition, in Prometheus' text format. */
  async render(): Promise<string> {
    await this.sampleQueue();
    return this.registry.metrics();
  }

  /** Queue mode: where each scrape reads the queue's depth (das_queue_jobs, das_queue_up). */
  watchQueue(source: () => Promise<Record<QueueJobState, number> | null>): void {
    this.queueDepthSource = source;
    for (const state of QUEUE_JOB_STATES) {
      this.queueJobs.set({ state }, 0);
    }
    this.queueUp.set(0);
  }

  /** A queued job was taken by a worker after waiting `seconds` (`kind`: run or tick). */
  observeQueueWait(kind: string, seconds: number): void {
    this.queueWait.observe({ kind }, Math.max(0, seconds));
  }

  /** Gives a policy's counters their series at 0, so that rates and increases start from its first batch. */
  trackTable(labels: TableLabels): void {
    this.rowsArchived.inc(labels, 0);
    this.rowsPurged.inc(labels, 0);
    for (const job of JOB_KINDS) {
      this.batches.inc({ ...labels, job }, 0);
      this.batchBytes.inc({ ...labels, job }, 0);
    }
  }

  countRows(labels: JobTableLabels, rows: number): void {
    if (rows <= 0) {
      return;
    }
    (labels.job === 'archive' ? this.rowsArchived : this.rowsPurged).inc(tablePart(labels), rows);
  }

  countBatches(labels: JobTableLabels, batches: number): void {
    if (batches > 0) {
      this.batches.inc(labels, batches);
    }
  }

  /** One committed batch: its wall time, and the bytes of row data it carried through this process. */
  observeBatch(labels: JobTableLabels, seconds: number, bytes: number): void {
    this.batchDuration.observe({ job: labels.job }, seconds);
    this.batchBytes.inc(labels, bytes);
  }

  runStarted(job: JobKind): void {
    this.runsRunning.inc({ job });
  }

  /** `wasRunning`: false for an attempt that never started (skipped, or refused before its first step). */
  runEnded(job: JobKind, status: Exclude<RunStatus, 'running'>, wasRunning: boolean): void {
    this.runs.inc({ job, status });
    if (wasRunning) {
      this.runsRunning.dec({ job });
    }
  }

  /** Runs paused now, by reason; reasons not given are 0. */
  setPausedRuns(byReason: ReadonlyMap<string, number>): void {
    this.runsPaused.reset();
    for (const reason of KNOWN_PAUSE_REASONS) {
      this.runsPaused.set({ reason }, 0);
    }
    for (const [reason, runs] of byReason) {
      this.runsPaused.set({ reason }, runs);
    }
  }

  /** A successful run ended at `at`; an older time than the one shown is ignored. */
  recordSuccess(labels: JobTableLabels, at: Date): void {
    const key = labelKey(labels);
    const seconds = at.getTime() / 1000;
    const known = this.successes.get(key);
    if (known && known.value >= seconds) {
      return;
    }
    this.successes.set(key, { labels, value: seconds });
    this.lastSuccess.set(labels, seconds);
  }

  setBacklog(labels: TableLabels, sample: BacklogSample): void {
    this.backlogs.set(labelKey(labels), { labels, sample });
    this.backlogRows.set(labels, sample.rows);
    this.backlogCapped.set(labels, sample.capped ? 1 : 0);
    this.backlogSampledAt.set(labels, sample.sampledAt.getTime() / 1000);
  }

  /** The policy's last backlog sample, or null when it has none (not sampled yet, or not countable). */
  backlogOf(labels: TableLabels): BacklogSample | null {
    return this.backlogs.get(labelKey(labels))?.sample ?? null;
  }

  /** The policy's backlog cannot be counted cheaply (or at all): no series rather than a stale one. */
  forgetBacklog(labels: TableLabels): void {
    if (this.backlogs.delete(labelKey(labels))) {
      this.backlogRows.remove(labels);
      this.backlogCapped.remove(labels);
      this.backlogSampledAt.remove(labels);
    }
  }

  /**
   * Keeps the per-policy state series (last success, backlog) of these tables only: a deleted or
   * disabled policy must not keep an alert about it firing. Counters stay: they are history.
   */
  retainTables(tables: readonly TableLabels[]): void {
    const kept = new Set(tables.map((labels) => labelKey(labels)));
    for (const [key, series] of this.successes) {
      if (!kept.has(labelKey(tablePart(series.labels)))) {
        this.successes.delete(key);
        this.lastSuccess.remove(series.labels);
      }
    }
    for (const { labels } of [...this.backlogs.values()]) {
      if (!kept.has(labelKey(labels))) {
        this.forgetBacklog(labels);
      }
    }
  }

  private async sampleQueue(): Promise<void> {
    if (!this.queueDepthSource) {
      return;
    }
    const depth = await this.queueDepthSource().catch(() => null);
    this.queueUp.set(depth ? 1 : 0);
    if (depth) {
      // A queue that cannot be read keeps its last known depth: das_queue_up says it is stale.
      for (const state of QUEUE_JOB_STATES) {
        this.queueJobs.set({ state }, depth[state]);
      }
    }
  }

  private counter<T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> {
    return new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  private gauge<T extends string>(name: string, help: string, labelNames: readonly T[]): Gauge<T> {
    return new Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }
}
