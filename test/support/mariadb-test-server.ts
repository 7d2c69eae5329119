import type { ThrowawayMariaDb } from '../../tools/throwaway-mariadb';

export const TEST_MYSQL_URL_ENV = 'TEST_MYSQL_URL';
export const MYSQL_UNAVAILABLE_ENV = 'DAS_TEST_MYSQL_UNAVAILABLE';

// Global setup and teardown run in the same (parent) process; the server handle lives here between them.
const holder = globalThis as unknown as { __dasMariaDb?: ThrowawayMariaDb };

export function rememberServer(server: ThrowawayMariaDb): void {
  holder.__dasMariaDb = server;
}

export function forgetServer(): ThrowawayMariaDb | undefined {
  const server = holder.__dasMariaDb;
  holder.__dasMariaDb = undefined;
  return server;
}

/** The server URL for tests, or null when MariaDB suites must be skipped. */
export function testMysqlUrl(): string | null {
  return process.env[TEST_MYSQL_URL_ENV] ?? null;
}
