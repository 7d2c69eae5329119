import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The control schema, written with TypeORM's portable Table API so that one migration serves
 * MySQL/MariaDB and SQLite alike.
 */
export class InitialSchema1763770000000 implements MigrationInterface {
  name = 'InitialSchema1763770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'permissions', type: 'text' },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'policies',
        columns: [
          id,
          { name: 'table_name', type: 'varchar', length: '64', isUnique: true },
          { name: 'date_column', type: 'varchar', length: '64' },
          { name: 'archive_after_days', type: 'int' },
          { name: 'delete_after_days', type: 'int' },
          { name: 'criteria', type: 'text' },
          { name: 'batch_size', type: 'int', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_runs',
        columns: [
          id,
          { name: 'job', type: 'varchar', length: '16' },
          { name: 'table_name', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'trigger', type: 'varchar', length: '16' },
          { name: 'started_at', type: 'datetime' },
          { name: 'finished_at', type: 'datetime', isNullable: true },
          { name: 'rows_archived', type: 'bigint', default: 0 },
          { name: 'rows_purged', type: 'bigint', default: 0 },
          { name: 'batches', type: 'int', default: 0 },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'dry_run', type: 'boolean', default: false },
          { name: 'requested_by', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'job_runs',
      new TableIndex({ name: 'idx_job_runs_table_started', columnNames: ['table_name', 'started_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '128', isPrimary: true },
          { name: 'owner', type: 'varchar', length: '128' },
          { name: 'run_id', type: 'int', isNullable: true },
          { name: 'acquired_at', type: 'datetime' },
          { name: 'expires_at', type: 'datetime' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          id,
          { name: 'at', type: 'datetime' },
          { name: 'actor', type: 'varchar', length: '64' },
          { name: 'actor_id', type: 'int', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'table_name', type: 'varchar', length: '64', isNullable: true },
          { name: 'row_count', type: 'int', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('audit_entries', new TableIndex({ name: 'idx_audit_at', columnNames: ['at'] }));
    await queryRunner.createIndex('audit_entries', new TableIndex({ name: 'idx_audit_actor', columnNames: ['actor'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_entries', 'job_leases', 'job_runs', 'policies', 'users']) {
      await queryRunner.dropTable(table);
    }
  }
}
