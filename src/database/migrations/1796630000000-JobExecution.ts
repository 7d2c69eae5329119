import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Job execution beyond the API process (issue 26): a run can be asked to stop from any process
 * (`cancel_requested_at`/`_by`, read by whichever process executes it), says where it ran
 * (`worker`, JSON: host, pid, execution mode) and keeps the request that admitted it (`request`,
 * JSON), so that a child process or another machine can execute it from its id alone. Processes
 * that execute jobs announce themselves in `job_workers` with a heartbeat.
 * TypeORM's portable Table API: one migration for MySQL/MariaDB and SQLite.
 */
export class JobExecution1796630000000 implements MigrationInterface {
  name = 'JobExecution1796630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('job_runs', [
      new TableColumn({ name: 'cancel_requested_at', type: 'datetime', precision: 3, isNullable: true }),
      new TableColumn({ name: 'cancel_requested_by', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'worker', type: 'varchar', length: '512', isNullable: true }),
      new TableColumn({ name: 'request', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'job_workers',
        columns: [
          { name: 'id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'host', type: 'varchar', length: '255' },
          { name: 'pid', type: 'int' },
          { name: 'mode', type: 'varchar', length: '16' },
          { name: 'concurrency', type: 'int' },
          { name: 'started_at', type: 'datetime', precision: 3 },
          { name: 'heartbeat_at', type: 'datetime', precision: 3 },
          { name: 'running', type: 'text' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'job_workers',
      new TableIndex({ name: 'idx_job_workers_heartbeat', columnNames: ['heartbeat_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_workers');
    await queryRunner.dropColumns('job_runs', ['request', 'worker', 'cancel_requested_by', 'cancel_requested_at']);
  }
}
