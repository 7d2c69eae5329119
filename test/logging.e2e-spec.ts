import { AppProcess, ProcessExit, startAppProcess } from './support/app-process';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';

interface LogLine {
  level: number;
  msg?: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  [field: string]: unknown;
}

/**
 * The service runs as its own process with LOG_LEVEL=debug; the test reads everything it wrote
 * while it served logins, bearer-token requests and probes.
 */
describeEachEngine('logs', (engine) => {
  const secrets = {
    jwtSecret: 'jwt-secret-for-the-logging-test-0123456789',
    adminPassword: 'Admin-Password-Logged-Never-1',
    wrongPassword: 'Wrong-Password-Logged-Never-2',
    signupPassword: 'Signup-Password-Logged-Never-3',
    bodyPassword: 'Body-Password-Logged-Never-4',
    queryToken: 'Query-Token-Logged-Never-5',
  };
  let databases: TestDatabases;
  let service: AppProcess;
  let exit: ProcessExit;
  let accessToken: string;
  let echoedRequestId: string | null;
  let replacedRequestId: string | null;
  let lines: LogLine[];

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    service = await startAppProcess({
      ...databases.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      JWT_SECRET: secrets.jwtSecret,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: secrets.adminPassword,
      SCHEDULER_ENABLED: 'false',
    });
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${service.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });

    const login = await call('/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: secrets.adminPassword }),
    });
    expect(login.status).toBe(200);
    accessToken = ((await login.json()) as { access_token: string }).access_token;
    const bearer = { authorization: `Bearer ${accessToken}` };

    const me = await call('/api/v1/auth/me', { headers: { ...bearer, 'x-request-id': 'trace-me-1' } });
    expect(me.status).toBe(200);
    echoedRequestId = me.headers.get('x-request-id');
    const badId = await call('/api/v1/auth/me', { headers: { ...bearer, 'x-request-id': 'not a valid id' } });
    replacedRequestId = badId.headers.get('x-request-id');

    const wrong = await call('/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: secrets.wrongPassword }),
    });
    expect(wrong.status).toBe(401);
    const signup = await call('/api/v1/auth/signup', {
      method: 'POST',
      body: JSON.stringify({ username: 'carol', password: secrets.signupPassword }),
    });
    expect(signup.status).toBe(201);
    // Unknown route and a body field the validation rejects: error paths get logged too.
    await call('/api/v1/no-such-route', {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ password: secrets.bodyPassword }),
    });
    await call('/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: secrets.bodyPassword, extra: secrets.bodyPassword }),
    });
    await call(`/api/v1/users?token=${secrets.queryToken}`, { headers: bearer });
    await call('/api/v1/users', { headers: { authorization: `Bearer ${accessToken}x` } });
    for (const probe of ['/health', '/ready']) {
      expect((await call(probe, { headers: { 'x-request-id': `probe-id${probe.replace('/', '-')}` } })).status).toBe(
        200,
      );
    }

    exit = await service.stop();
    lines = exit.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  });

  afterAll(async () => {
    await service?.stop();
    await databases?.drop();
  });

  it('writes structured JSON, one object per line', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((line) => typeof line.level === 'number' && typeof line.time === 'number')).toBe(true);
  });

  it('logs each API request once with its id, method, URL and status', () => {
    const me = lines.filter((line) => line.req?.id === 'trace-me-1');
    expect(me).toHaveLength(1);
    expect(me[0]).toMatchObject({ req: { method: 'GET', url: '/api/v1/auth/me' }, res: { statusCode: 200 } });
    expect(lines.some((line) => line.req?.url === '/api/v1/auth/login' && line.res?.statusCode === 401)).toBe(true);
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', () => {
    expect(echoedRequestId).toBe('trace-me-1');
    expect(replacedRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((line) => line.req?.id === replacedRequestId)).toBe(true);
  });

  it('does not log the probes', () => {
    expect(lines.some((line) => /^\/(health|ready)\b/.test(line.req?.url ?? ''))).toBe(false);
    expect(exit.stdout).not.toContain('probe-id');
  });

  it('never writes a password, token, JWT secret or database password', () => {
    const output = `${exit.stdout}\n${exit.stderr}`;
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, leaked: output.includes(value) }).toEqual({ name, leaked: false });
    }
    expect(output).not.toContain(accessToken);
    expect(output).not.toContain(accessToken.split('.')[2]);
    for (const url of Object.values(databases.env)) {
      const password = url.startsWith('mysql') ? decodeURIComponent(new URL(url).password) : '';
      if (password) {
        expect(output).not.toContain(password);
      }
    }
  });

  it('keeps secret-looking query parameters out of logged URLs', () => {
    expect(lines.some((line) => line.req?.url === '/api/v1/users?token=[redacted]')).toBe(true);
  });
});
