import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';

/** Who did what, when, on which table: the trail compliance teams ask for first. */
@Entity({ name: 'audit_entries' })
@Index('idx_audit_at', ['at'])
@Index('idx_audit_actor', ['actor'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'datetime' })
  at: Date;

  /** Username of the caller, or `system` for the scheduler. */
  @Column({ type: 'varchar', length: 64 })
  actor: string;

  @Column({ name: 'actor_id', type: 'int', nullable: true })
  actorId: number | null;

  /** e.g. `policy.upsert`, `user.permissions`, `run.start`, `archive.read`. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'table_name', type: 'varchar', length: 64, nullable: true })
  tableName: string | null;

  /** The connection acted on: a policy's source connection, the one read from, or the one changed. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  connection: string | null;

  @Column({ name: 'row_count', type: 'int', nullable: true })
  rowCount: number | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  details: Record<string, unknown> | null;
}
