import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { JobRequest } from '../scheduler/job-request';
import { JobRun } from './entities/job-run.entity';

/** How a run ended, as written to its record. */
export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'skipped';
  error: string | null;
  rowsArchived: number;
  rowsPurged: number;
  batches: number;
  details: Record<string, unknown>;
}

/** Longest error text kept on a run; driver messages can quote whole statements. */
const MAX_ERROR_LENGTH = 4000;
const USERNAME_LENGTH = 64;

/** Writes run records: opened as `running`, progress while it runs, and how it ended. */
@Injectable()
export class RunRecorder {
  constructor(@InjectRepository(JobRun, CONTROL_DB) private readonly runs: Repository<JobRun>) {}

  open(request: JobRequest): Promise<JobRun> {
    return this.runs.save(
      this.runs.create({
        job: request.job,
        tableName: request.tableName,
        status: 'running',
        trigger: request.trigger,
        startedAt: new Date(),
        finishedAt: null,
        rowsArchived: 0,
        rowsPurged: 0,
        batches: 0,
        error: null,
        dryRun: Boolean(request.dryRun),
        requestedBy: request.requestedBy?.slice(0, USERNAME_LENGTH) ?? null,
        details: null,
      }),
    );
  }

  /** Rows and batches so far; only while the run is still `running`. */
  async progress(run: JobRun, rows: number, batches: number): Promise<void> {
    const counter = run.job === 'archive' ? { rowsArchived: rows } : { rowsPurged: rows };
    await this.runs.update({ id: run.id, status: 'running' }, { ...counter, batches });
  }

  /** Writes the end of the run and returns the final record (`run` itself is left as it was). */
  finish(run: JobRun, outcome: RunOutcome): Promise<JobRun> {
    return this.runs.save(
      this.runs.create({
        ...run,
        ...outcome,
        error: outcome.error === null ? null : outcome.error.slice(0, MAX_ERROR_LENGTH),
        finishedAt: new Date(),
      }),
    );
  }

  /**
   * Closes the record of a run whose process stopped renewing its lease (crashed or killed), which
   * would otherwise show `running` forever.
   */
  async markAbandoned(runId: number, error: string): Promise<void> {
    await this.runs.update({ id: runId, status: 'running' }, { status: 'failed', error, finishedAt: new Date() });
  }
}
