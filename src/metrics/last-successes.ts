import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { JobRun } from '../runs/entities/job-run.entity';

/** Reads from the control database when each job last succeeded on each table, whichever process ran it. */
@Injectable()
export class LastSuccesses {
  constructor(@InjectRepository(JobRun, CONTROL_DB) private readonly runs: Repository<JobRun>) {}

  /**
   * The latest successful run (not a dry run) of each job on each of `tables`, per source connection
   * (tables of one name on two connections are two policies). Runs of one job on one policy never
   * overlap (their lease), so the highest id among them is also the one that ended last.
   */
  async latest(tables: readonly string[]): Promise<JobRun[]> {
    if (tables.length === 0) {
      return [];
    }
    const rows = await this.runs
      .createQueryBuilder('run')
      .select('MAX(run.id)', 'id')
      .where('run.status = :status', { status: 'succeeded' })
      // A literal: booleans are stored as 0/1 on both engines, and SQLite takes no boolean parameter.
      .andWhere('run.dryRun = 0')
      .andWhere('run.tableName IN (:...tables)', { tables })
      .groupBy('run.job')
      .addGroupBy('run.sourceConnection')
      .addGroupBy('run.tableName')
      .getRawMany<{ id: number | string }>();
    const ids = rows.map((row) => Number(row.id));
    return ids.length === 0 ? [] : this.runs.findBy({ id: In(ids) });
  }
}
