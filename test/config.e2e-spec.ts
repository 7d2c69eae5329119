import { freePort } from '../tools/throwaway-mariadb';
import { ProcessExit, runAppUntilExit, startAppProcess } from './support/app-process';
import { testMysqlUrl } from './support/mariadb-test-server';
import { createTestDatabases, describeMariaDb } from './support/test-databases';

/** stdout and stderr together: a secret must appear in neither. */
const outputOf = (exit: ProcessExit) => `${exit.stdout}\n${exit.stderr}`;

describe('configuration checked by the real process at boot', () => {
  it('refuses to start in production without JWT_SECRET, naming the variable', async () => {
    const exit = await runAppUntilExit({ NODE_ENV: 'production', CONTROL_DB_URL: 'sqlite::memory:' });
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.stderr).toContain('DAS cannot start. Invalid configuration:');
    expect(exit.stderr).toMatch(/JWT_SECRET is required when NODE_ENV=production/);
  });

  it('lists every bad variable at once and never prints a database password', async () => {
    const password = 'Very-Secret-Db-Password-42';
    const exit = await runAppUntilExit({
      PORT: 'abc',
      ARCHIVE_BATCH_SIZE: '0',
      ARCHIVAL_JOB_CRON: 'nonsense',
      SCHEDULER_ENABLED: 'maybe',
      JWT_EXPIRES_IN: 'soon',
      CONTROL_DB_URL: `postgres://das:${password}@db.internal/das`,
      SOURCE_DB_URL: `mysql://das:${password}@db.internal:3306/`,
      ARCHIVE_DB_URL: `mysql://das:${encodeURIComponent(password)}@db.internal:notaport/das`,
    });
    expect(exit.code).toBe(1);
    for (const name of [
      'PORT',
      'ARCHIVE_BATCH_SIZE',
      'ARCHIVAL_JOB_CRON',
      'SCHEDULER_ENABLED',
      'JWT_EXPIRES_IN',
      'CONTROL_DB_URL',
      'SOURCE_DB_URL',
      'ARCHIVE_DB_URL',
    ]) {
      expect(exit.stderr).toMatch(new RegExp(`\\n {2}- ${name}\\b`));
    }
    expect(outputOf(exit)).not.toContain(password);
    expect(outputOf(exit)).not.toContain(encodeURIComponent(password));
  });

  it('starts in production with a JWT_SECRET and logs JSON lines', async () => {
    const service = await startAppProcess({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
      CONTROL_DB_URL: 'sqlite::memory:',
      SOURCE_DB_URL: 'sqlite::memory:',
      ARCHIVE_DB_URL: 'sqlite::memory:',
    });
    const exit = await service.stop();
    const lines = exit.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    // Express 5 route syntax everywhere: Nest has nothing to convert, and says nothing about it.
    expect(exit.stdout).not.toContain('LegacyRouteConverter');
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(exit.stdout).toContain('DAS listening on');
  });

  it('refuses to start when a database URL points at a port where nothing listens', async () => {
    const password = 'Dead-Port-Password-77';
    const port = await freePort();
    const exit = await runAppUntilExit({
      CONTROL_DB_URL: `mysql://das:${password}@127.0.0.1:${port}/das_control`,
      // One attempt instead of nine 3 s apart: the point is the failure, not the patience.
      DB_CONNECT_ATTEMPTS: '1',
    });
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.stderr).toMatch(/Unable to connect to the database \(control\)/);
    expect(exit.stderr).toContain('ECONNREFUSED');
    expect(outputOf(exit)).not.toContain(password);
  });
});

describeMariaDb('a database that rejects the credentials [mariadb]', () => {
  it('stops the boot with access denied, naming the user but not the password', async () => {
    const databases = await createTestDatabases('mysql');
    try {
      const wrongPassword = 'Wrong-Password-For-Root-31';
      const url = new URL(databases.env.SOURCE_DB_URL);
      url.password = wrongPassword;
      const exit = await runAppUntilExit({ ...databases.env, SOURCE_DB_URL: url.toString(), DB_CONNECT_ATTEMPTS: '1' });
      expect(exit.code).not.toBe(0);
      expect(exit.stderr).toMatch(/Unable to connect to the database \(source\)/);
      expect(exit.stderr).toMatch(/Access denied for user 'root'/);
      expect(outputOf(exit)).not.toContain(wrongPassword);
      // The correct password of the server (in the other two URLs) must not show up either.
      const serverPassword = decodeURIComponent(new URL(testMysqlUrl() ?? '').password);
      if (serverPassword) {
        expect(outputOf(exit)).not.toContain(serverPassword);
      }
    } finally {
      await databases.drop();
    }
  });
});
