import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionMode } from '../../config/app-config';
import { bigintAsNumber, jsonText } from '../../database/column-transformers';

export const JOB_KINDS = ['archive', 'purge'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
/**
 * `stopped`: ended early on request (service shutdown) with nothing wrong; the rest is left for the next run.
 * `cancelled`: an admin cancelled it (POST /runs/{id}/cancel, `cli run:cancel`); the rest is left too.
 */
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'stopped', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_TRIGGERS = ['schedule', 'api', 'cli'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Where a run executes: the machine, the process, and how it got there (JOB_EXECUTION). */
export interface RunWorker {
  host: string;
  pid: number;
  mode: ExecutionMode;
  /** The worker registry id (job_workers) of the process that executes or supervises it. */
  workerId?: string;
}

/** One execution (or skipped attempt) of a job on one table; updated while it runs. */
@Entity({ name: 'job_runs' })
@Index('idx_job_runs_table_started', ['tableName', 'startedAt'])
export class JobRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  job: JobKind;

  @Column({ name: 'table_name', type: 'varchar', length: 64 })
  tableName: string;

  /** The policy's source connection (`source` for the built-in one). */
  @Column({ name: 'source_connection', type: 'varchar', length: 64, default: 'source' })
  sourceConnection: string;

  /** The policy's archive connection at the time of the run. */
  @Column({ name: 'archive_connection', type: 'varchar', length: 64, default: 'archive' })
  archiveConnection: string;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  @Column({ type: 'varchar', length: 16 })
  trigger: RunTrigger;

  /** Milliseconds kept (DATETIME(3) on MySQL/MariaDB). */
  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'rows_archived', type: 'bigint', default: 0, transformer: bigintAsNumber })
  rowsArchived: number;

  @Column({ name: 'rows_purged', type: 'bigint', default: 0, transformer: bigintAsNumber })
  rowsPurged: number;

  @Column({ type: 'int', default: 0 })
  batches: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Whether this was a dry run (nothing changed). */
  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun: boolean;

  /** Who asked for it: a username for API/CLI runs, null for the schedule. */
  @Column({ name: 'requested_by', type: 'varchar', length: 64, nullable: true })
  requestedBy: string | null;

  /** When someone asked the run to stop; the executing process notices within a batch. */
  @Column({ name: 'cancel_requested_at', type: 'datetime', precision: 3, nullable: true })
  cancelRequestedAt: Date | null;

  @Column({ name: 'cancel_requested_by', type: 'varchar', length: 64, nullable: true })
  cancelRequestedBy: string | null;

  /** Where it executes or executed (null until an executor picked it up). */
  @Column({ type: 'varchar', length: 512, nullable: true, transformer: jsonText })
  worker: RunWorker | null;

  /** The request that admitted it, for an executor in another process (internal: not in the API). */
  @Column({ type: 'text', nullable: true, transformer: jsonText, select: false })
  request: Record<string, unknown> | null;

  /** Engine details: last key, cutoffs, rows expected, keys blocked by foreign keys, timings. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  details: Record<string, unknown> | null;
}
