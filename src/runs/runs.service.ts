import { Injectable } from '@nestjs/common';
import { RunWindow } from '../archive/engine/run-window';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { CONTROL_DB } from '../database/database.constants';
import { InvalidInputError } from '../common/domain-error';
import { RunNotFoundError } from '../scheduler/execution/job-errors';
import { JobRunner } from '../scheduler/job-runner.service';
import { RunDto } from './dto/run.dto';
import { DEFAULT_RUNS_LIMIT, RunQueryDto } from './dto/run-query.dto';
import { RunStartedDto } from './dto/run-started.dto';
import { StartRunDto } from './dto/start-run.dto';
import { JobRun } from './entities/job-run.entity';

/** Run records for the API, and manual runs. */
@Injectable()
export class RunsService {
  constructor(
    @InjectRepository(JobRun, CONTROL_DB) private readonly runs: Repository<JobRun>,
    private readonly runner: JobRunner,
  ) {}

  /** Newest first; every filter is an exact match. */
  async list(query: RunQueryDto): Promise<RunDto[]> {
    const where: FindOptionsWhere<JobRun> = {};
    // TypeORM rejects undefined in `where`, so only the given filters are set.
    if (query.tableName !== undefined) {
      where.tableName = query.tableName;
    }
    if (query.job !== undefined) {
      where.job = query.job;
    }
    if (query.status !== undefined) {
      where.status = query.status;
    }
    if (query.trigger !== undefined) {
      where.trigger = query.trigger;
    }
    if (query.connection !== undefined) {
      where.sourceConnection = query.connection;
    }
    const runs = await this.runs.find({
      where,
      // started_at ties within a second on MySQL; ids keep creation order.
      order: { startedAt: 'DESC', id: 'DESC' },
      take: query.limit ?? DEFAULT_RUNS_LIMIT,
    });
    return runs.map((run) => RunDto.from(run));
  }

  async get(id: number): Promise<RunDto> {
    const run = await this.runs.findOneBy({ id });
    if (!run) {
      throw new RunNotFoundError(id);
    }
    return RunDto.from(run);
  }

  /** Asks a running run to stop, wherever it executes (404 unknown, 409 already finished). */
  async cancel(id: number, caller: AuthenticatedUser): Promise<RunDto> {
    return RunDto.from(await this.runner.requestCancel(id, caller.username));
  }

  /** Starts a run of the table's policy in the background (404 without a policy, 409 when already running). */
  async startManual(
    tableName: string,
    sourceConnection: string | undefined,
    body: StartRunDto,
    caller: AuthenticatedUser,
  ): Promise<RunStartedDto> {
    const window = body.runWindow === undefined ? null : RunWindow.parse(body.runWindow);
    if (typeof window === 'string') {
      throw new InvalidInputError(`runWindow: ${window}`);
    }
    const run = await this.runner.start({
      tableName,
      sourceConnection,
      job: body.job,
      trigger: 'api',
      requestedBy: caller.username,
      dryRun: body.dryRun ?? false,
      options: {
        batchSize: body.batchSize,
        sleepBetweenBatchesMs: body.sleepBetweenBatchesMs,
        targetBatchMs: body.targetBatchMs,
        lanes: body.lanes,
        maxRuntimeMs: body.maxRuntimeSeconds === undefined ? undefined : body.maxRuntimeSeconds * 1000,
        maxReplicaLagSeconds: body.maxReplicaLagSeconds,
        maxThreadsRunning: body.maxThreadsRunning,
        runWindow: body.runWindow,
      },
    });
    return { runId: run.id };
  }
}
