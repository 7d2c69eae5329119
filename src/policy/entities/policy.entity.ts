import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';
import { Criterion } from '../criteria';

/** How one table of one source connection is archived; unique per (source connection, table). */
@Entity({ name: 'policies' })
@Index('uq_policies_connection_table', ['sourceConnection', 'tableName'], { unique: true })
export class Policy {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'table_name', type: 'varchar', length: 64 })
  tableName: string;

  /** The connection whose table this is (`source`: the built-in SOURCE_DB_URL). */
  @Column({ name: 'source_connection', type: 'varchar', length: 64, default: 'source' })
  sourceConnection: string;

  /** The connection that receives its rows (`archive`: the built-in ARCHIVE_DB_URL). */
  @Column({ name: 'archive_connection', type: 'varchar', length: 64, default: 'archive' })
  archiveConnection: string;

  @Column({ name: 'date_column', type: 'varchar', length: 64 })
  dateColumn: string;

  @Column({ name: 'archive_after_days', type: 'int' })
  archiveAfterDays: number;

  @Column({ name: 'delete_after_days', type: 'int' })
  deleteAfterDays: number;

  @Column({ type: 'text', transformer: jsonText })
  criteria: Criterion[];

  /** Null means the service default (ARCHIVE_BATCH_SIZE). */
  @Column({ name: 'batch_size', type: 'int', nullable: true })
  batchSize: number | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Pause while a watched replica lags more than this (seconds); null: MAX_REPLICA_LAG_SECONDS. */
  @Column({ name: 'max_replica_lag_seconds', type: 'int', nullable: true })
  maxReplicaLagSeconds: number | null;

  /** Pause while the source's Threads_running exceeds this (0: no check); null: MAX_THREADS_RUNNING. */
  @Column({ name: 'max_threads_running', type: 'int', nullable: true })
  maxThreadsRunning: number | null;

  /** Batches only inside this daily UTC window (`HH:MM-HH:MM`); null: RUN_WINDOW. */
  @Column({ name: 'run_window', type: 'varchar', length: 11, nullable: true })
  runWindow: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
