import { AppProcess, ProcessExit, startAppProcess } from './support/app-process';
import { TestDatabases, createTestDatabases } from './support/test-databases';

/**
 * What the auth code itself logs (bootstrap admin, failed logins), read from the real process at
 * LOG_LEVEL=trace: the lines must be there and useful, and carry no password or token.
 * test/logging.e2e-spec.ts covers request logging and redaction in general.
 */
describe('auth log lines', () => {
  const adminPassword = 'admin-pw-Q7vX9kT2';
  const wrongPassword = 'wrong-pw-Z4mN8pL1';
  let databases: TestDatabases;
  let service: AppProcess;
  let exit: ProcessExit;
  let token: string;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
    service = await startAppProcess({
      ...databases.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'trace',
      JWT_SECRET: 'jwt-secret-for-the-auth-log-test-0123456789',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: adminPassword,
      SCHEDULER_ENABLED: 'false',
    });
    const login = (username: string, password: string) =>
      fetch(`${service.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    expect((await login('admin', wrongPassword)).status).toBe(401);
    expect((await login('ghost', wrongPassword)).status).toBe(401);
    const ok = await login('admin', adminPassword);
    token = ((await ok.json()) as { access_token: string }).access_token;
    const me = await fetch(`${service.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    exit = await service.stop();
  });

  afterAll(async () => {
    await service?.stop();
    await databases?.drop();
  });

  it('names the bootstrap admin and each failed login by username and address', () => {
    expect(exit.stdout).toContain('Created the bootstrap admin \\"admin\\"');
    expect(exit.stdout).toMatch(/Failed login for username \\"admin\\" from [\d.:a-f]+/);
    expect(exit.stdout).toMatch(/Failed login for username \\"ghost\\" from [\d.:a-f]+/);
  });

  it('contains neither the passwords, the token nor a password hash', () => {
    const output = `${exit.stdout}\n${exit.stderr}`;
    for (const secret of [adminPassword, wrongPassword, token, token.split('.')[2]]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain('$argon2');
  });
});
