import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';

/**
 * A process that executes (or, in `process` mode, supervises) jobs, with its heartbeat: a row whose
 * heartbeat is older than a few intervals belongs to a process that is gone.
 */
@Entity({ name: 'job_workers' })
@Index('idx_job_workers_heartbeat', ['heartbeatAt'])
export class JobWorker {
  /** host:pid:random, like a lease owner. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  host: string;

  @Column({ type: 'int' })
  pid: number;

  /** JOB_EXECUTION of the process. */
  @Column({ type: 'varchar', length: 16 })
  mode: string;

  /** Jobs it executes at once (JOB_CONCURRENCY). */
  @Column({ type: 'int' })
  concurrency: number;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt: Date;

  @Column({ name: 'heartbeat_at', type: 'datetime', precision: 3 })
  heartbeatAt: Date;

  /** Ids of the runs it executes now. */
  @Column({ type: 'text', transformer: jsonText })
  running: number[];
}
