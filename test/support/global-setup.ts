import { mariaDbInstalled, startThrowawayMariaDb } from '../../tools/throwaway-mariadb';
import { MYSQL_UNAVAILABLE_ENV, TEST_MYSQL_URL_ENV, rememberServer } from './mariadb-test-server';

/**
 * Provides the MariaDB server the e2e tests use: TEST_MYSQL_URL when given (any database name; the
 * tests create their own), otherwise a throwaway server when mariadbd is installed. Without either,
 * MySQL suites are skipped locally and the run fails in CI.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (process.env[TEST_MYSQL_URL_ENV]) {
    return;
  }
  if (!mariaDbInstalled()) {
    if (process.env.CI === 'true') {
      throw new Error(
        'CI=true but mariadbd is not installed and TEST_MYSQL_URL is not set: the MariaDB tests cannot run',
      );
    }
    process.env[MYSQL_UNAVAILABLE_ENV] = '1';
    process.stderr.write('\n[das tests] mariadbd not found and TEST_MYSQL_URL not set: MariaDB suites are skipped\n');
    return;
  }
  const server = await startThrowawayMariaDb();
  rememberServer(server);
  process.env[TEST_MYSQL_URL_ENV] = server.url('mysql');
}
