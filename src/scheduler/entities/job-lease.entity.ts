import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * At most one holder per (job, table) across every process and host. A holder renews `expiresAt`
 * each batch; an expired lease may be taken over, so a crashed process does not block forever.
 */
@Entity({ name: 'job_leases' })
export class JobLease {
  /** `<job>:<tableName>`, e.g. `archive:orders`. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 128 })
  owner: string;

  @Column({ name: 'run_id', type: 'int', nullable: true })
  runId: number | null;

  @Column({ name: 'acquired_at', type: 'datetime' })
  acquiredAt: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;
}
