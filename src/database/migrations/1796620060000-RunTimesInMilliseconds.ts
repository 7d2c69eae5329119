import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run start and end times keep their milliseconds on MySQL/MariaDB too (DATETIME drops them; a
 * run shorter than a second showed as taking none). SQLite already stores them in its text dates.
 */
export class RunTimesInMilliseconds1796620060000 implements MigrationInterface {
  name = 'RunTimesInMilliseconds1796620060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE `job_runs` MODIFY `started_at` DATETIME(3) NOT NULL, MODIFY `finished_at` DATETIME(3) NULL',
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE `job_runs` MODIFY `started_at` DATETIME NOT NULL, MODIFY `finished_at` DATETIME NULL',
      );
    }
  }
}
