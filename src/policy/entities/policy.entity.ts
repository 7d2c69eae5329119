import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';

export const CRITERION_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is null', 'is not null'] as const;
export type CriterionOperator = (typeof CRITERION_OPERATORS)[number];

/** One extra condition of a policy, ANDed with the date cutoff. Values are always bound as parameters. */
export interface Criterion {
  column: string;
  op: CriterionOperator;
  value?: string | number | boolean | null | Array<string | number>;
}

@Entity({ name: 'policies' })
export class Policy {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'table_name', type: 'varchar', length: 64, unique: true })
  tableName: string;

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

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
