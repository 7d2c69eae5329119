import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Not, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CONTROL_DB } from '../database/database.constants';
import { Policy } from '../policy/entities/policy.entity';
import { JobRequest } from '../scheduler/job-request';
import { JobRun, RunStatus, RunWorker } from './entities/job-run.entity';

/** How a run ended, as written to its record. */
export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  error: string | null;
  rowsArchived: number;
  rowsPurged: number;
  batches: number;
  details: Record<string, unknown>;
}

/** Longest error text kept on a run; driver messages can quote whole statements. */
const MAX_ERROR_LENGTH = 4000;
const USERNAME_LENGTH = 64;

/**
 * Writes run records: opened as `running`, progress while it runs, and how it ended. Single
 * statements only, never save(): on SQLite every caller shares one connection, and concurrent
 * save() transactions of different runs would nest into each other.
 */
@Injectable()
export class RunRecorder {
  constructor(@InjectRepository(JobRun, CONTROL_DB) private readonly runs: Repository<JobRun>) {}

  /** Inserts the record as `running`, with the policy's connections, and returns it. */
  async open(request: JobRequest, policy: Pick<Policy, 'sourceConnection' | 'archiveConnection'>): Promise<JobRun> {
    const opened = {
      job: request.job,
      tableName: request.tableName,
      sourceConnection: policy.sourceConnection,
      archiveConnection: policy.archiveConnection,
      status: 'running' as const,
      trigger: request.trigger,
      startedAt: new Date(),
      finishedAt: null,
      rowsArchived: 0,
      rowsPurged: 0,
      batches: 0,
      error: null,
      dryRun: Boolean(request.dryRun),
      requestedBy: request.requestedBy?.slice(0, USERNAME_LENGTH) ?? null,
      cancelRequestedAt: null,
      cancelRequestedBy: null,
      worker: null,
    };
    // QueryDeepPartialEntity cannot express the JSON `request` column; the jsonText transformer writes it.
    const { identifiers } = await this.runs.insert({
      ...opened,
      request: { ...request },
    });
    return Object.assign(new JobRun(), opened, { id: Number(identifiers[0].id), details: null });
  }

  /**
   * Asks a running run to stop (whichever process executes it reads this within a batch). False
   * when the run is not running (finished, or no such run).
   */
  async requestCancel(runId: number, by: string): Promise<boolean> {
    const result = await this.runs.update(
      { id: runId, status: 'running' },
      { cancelRequestedAt: new Date(), cancelRequestedBy: by.slice(0, USERNAME_LENGTH) },
    );
    return result.affected === 1;
  }

  /** Who asked the run to stop, if anyone did (one indexed read: the executing process asks every batch). */
  async cancelRequest(runId: number): Promise<{ by: string } | null> {
    const run = await this.runs.findOne({
      where: { id: runId },
      select: { id: true, cancelRequestedAt: true, cancelRequestedBy: true },
    });
    return run?.cancelRequestedAt ? { by: run.cancelRequestedBy ?? 'an admin' } : null;
  }

  /** Where the run executes; only while it is `running`. */
  async claimedBy(run: JobRun, worker: RunWorker): Promise<void> {
    await this.runs.update({ id: run.id, status: 'running' }, { worker });
  }

  /** The request a run was admitted with (for an executor in another process); null if it has none. */
  async requestOf(runId: number): Promise<Record<string, unknown> | null> {
    const run = await this.runs.findOne({ where: { id: runId }, select: { id: true, request: true } });
    return run?.request ?? null;
  }

  /** The run's record as it is now, or null. */
  get(runId: number): Promise<JobRun | null> {
    return this.runs.findOneBy({ id: runId });
  }

  /**
   * A run of the same job and policy (table on the same source connection) with the schedule as its
   * trigger that started at or after `since`, other than `run`: the same tick, run by another instance.
   */
  async scheduledSince(run: JobRun, since: Date): Promise<JobRun | null> {
    return this.runs.findOne({
      where: {
        job: run.job,
        tableName: run.tableName,
        sourceConnection: run.sourceConnection,
        trigger: 'schedule',
        id: Not(run.id),
        status: Not('skipped'),
        startedAt: MoreThanOrEqual(since),
      },
      order: { id: 'ASC' },
    });
  }

  /** Rows and batches so far; only while the run is still `running`. */
  async progress(run: JobRun, rows: number, batches: number): Promise<void> {
    const counter = run.job === 'archive' ? { rowsArchived: rows } : { rowsPurged: rows };
    await this.runs.update({ id: run.id, status: 'running' }, { ...counter, batches });
  }

  /**
   * While the run is paused between batches, its record says so (`details.paused`: why, since when);
   * null when it goes on. Only while the run is `running`; the final record replaces these details.
   */
  async paused(run: JobRun, pause: { reason: string; message: string } | null): Promise<void> {
    const details = { paused: pause && { ...pause, since: new Date().toISOString() } };
    await this.runs.update({ id: run.id, status: 'running' }, { details } as QueryDeepPartialEntity<JobRun>);
  }

  /**
   * Writes the end of the run and returns the final record (`run` itself is left as it was). The
   * first end written wins: a run someone else has already closed (its supervisor after a timeout,
   * a takeover of its expired lease) keeps its status and error, and only takes the row counts of
   * the process that executed it, which are the true ones.
   */
  async finish(run: JobRun, outcome: RunOutcome): Promise<JobRun> {
    const end = {
      ...outcome,
      error: outcome.error === null ? null : outcome.error.slice(0, MAX_ERROR_LENGTH),
      finishedAt: new Date(),
    };
    // QueryDeepPartialEntity cannot express the JSON `details` column; the jsonText transformer writes it.
    const closed = await this.runs.update({ id: run.id, status: 'running' }, end as QueryDeepPartialEntity<JobRun>);
    if (closed.affected === 1) {
      return Object.assign(new JobRun(), run, end);
    }
    const { rowsArchived, rowsPurged, batches } = outcome;
    await this.runs.update({ id: run.id }, { rowsArchived, rowsPurged, batches });
    return (await this.get(run.id)) ?? Object.assign(new JobRun(), run, end);
  }

  /**
   * Closes the record of a run whose process stopped renewing its lease (crashed or killed), which
   * would otherwise show `running` forever.
   */
  async markAbandoned(runId: number, error: string): Promise<void> {
    await this.runs.update({ id: runId, status: 'running' }, { status: 'failed', error, finishedAt: new Date() });
  }
}
