import { DataSource, Migration } from 'typeorm';

/** How long an instance waits for another one's migrations before its start fails. */
export const MIGRATION_LOCK_TIMEOUT_SECONDS = 120;

/**
 * Applies pending control-database migrations under a database lock on MySQL/MariaDB
 * (`GET_LOCK`, named after the database): instances started together on an empty control
 * database take turns, the first migrates, the others find nothing left to do. Without it the
 * second one fails a `CREATE TABLE` halfway and only recovers through the connection retries.
 * SQLite serialises writers on the file itself.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'mysql') {
    return dataSource.runMigrations();
  }
  const lock = `das_migrations:${String(dataSource.options.database)}`.slice(0, 64);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [
      lock,
      MIGRATION_LOCK_TIMEOUT_SECONDS,
    ])) as Array<{
      got: unknown;
    }>;
    if (Number(row?.got) !== 1) {
      throw new Error(
        `could not take the migration lock "${lock}" within ${MIGRATION_LOCK_TIMEOUT_SECONDS} s: ` +
          'another DAS instance is migrating this control database',
      );
    }
    try {
      return await dataSource.runMigrations();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await runner.release();
  }
}
