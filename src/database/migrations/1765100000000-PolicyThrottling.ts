import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Throttling per policy (null: the service-wide default). */
export class PolicyThrottling1765100000000 implements MigrationInterface {
  name = 'PolicyThrottling1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('policies', [
      new TableColumn({ name: 'max_replica_lag_seconds', type: 'int', isNullable: true }),
      new TableColumn({ name: 'max_threads_running', type: 'int', isNullable: true }),
      new TableColumn({ name: 'run_window', type: 'varchar', length: '11', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('policies', 'run_window');
    await queryRunner.dropColumn('policies', 'max_threads_running');
    await queryRunner.dropColumn('policies', 'max_replica_lag_seconds');
  }
}
