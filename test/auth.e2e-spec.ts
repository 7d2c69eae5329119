import { AdminBootstrapService } from '../src/auth/admin-bootstrap.service';
import { TEST_ADMIN, TEST_JWT_SECRET, TestApp, startTestApp, useTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';
import { claims, decodeJwt, signHs256 } from './support/tokens';

const PASSWORD = 'correct-horse-battery';

describeEachEngine('auth', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  useTestApp(engine, (started) => ({ databases, app } = started));

  const signup = (body: object) => app.http().post('/api/v1/auth/signup').send(body);
  const login = (username: string, password: string) =>
    app.http().post('/api/v1/auth/login').send({ username, password });
  const me = (authorization?: string) => {
    const request = app.http().get('/api/v1/auth/me');
    return authorization === undefined ? request : request.set('Authorization', authorization);
  };

  describe('signup', () => {
    it('creates a plain user without permissions, ignoring role and permissions in the body', async () => {
      const response = await signup({
        username: 'mallory',
        password: PASSWORD,
        role: 'admin',
        permissions: ['orders'],
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        username: 'mallory',
        role: 'user',
        permissions: [],
        disabled: false,
      });
      const [row] = await databases.control<{ role: string; permissions: string }>(
        'SELECT role, permissions FROM users WHERE username = ?',
        ['mallory'],
      );
      expect(row).toEqual({ role: 'user', permissions: '[]' });
      const token = (await login('mallory', PASSWORD)).body.access_token;
      const claimsShown = await me(`Bearer ${token}`);
      expect(claimsShown.body).toEqual({
        sub: String(response.body.id),
        username: 'mallory',
        role: 'user',
        permissions: [],
      });
    });

    it('stores an argon2id hash, never the password, and never returns the hash', async () => {
      const response = await signup({ username: 'vault', password: PASSWORD });

      expect(JSON.stringify(response.body)).not.toMatch(/hash|password/i);
      const [row] = await databases.control<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = ?',
        ['vault'],
      );
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    });

    it('refuses a taken username with 409, whatever its case', async () => {
      await signup({ username: 'dupe', password: PASSWORD }).expect(201);

      for (const username of ['dupe', 'DUPE']) {
        const response = await signup({ username, password: PASSWORD });
        expect(response.status).toBe(409);
        expect(response.body.message).toMatch(/already taken/);
      }
    });

    it('lets exactly one of several simultaneous signups for one name win', async () => {
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => signup({ username: 'racer', password: PASSWORD })),
      );

      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const rows = await databases.control('SELECT id FROM users WHERE username = ?', ['racer']);
      expect(rows).toHaveLength(1);
    });

    it('refuses a weak password with 400 saying what the password needs', async () => {
      const response = await signup({ username: 'weakling', password: 'short' });

      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(/password must be 8 to 256 characters/);
      expect(await databases.control('SELECT id FROM users WHERE username = ?', ['weakling'])).toHaveLength(0);
    });

    it.each([['ab'], ['has space'], ['semi;colon'], ['x'.repeat(65)], [42]])(
      'refuses the username %p with 400 explaining the rule',
      async (username) => {
        const response = await signup({ username, password: PASSWORD });

        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body.message)).toMatch(/username must be 3 to 64 characters/);
      },
    );
  });

  describe('login', () => {
    beforeAll(async () => {
      await signup({ username: 'alice', password: PASSWORD }).expect(201);
    });

    it('returns an HS256 bearer token carrying the documented claims', async () => {
      const response = await login('alice', PASSWORD);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: app.config.jwt.expiresInSeconds,
      });
      const { header, payload } = decodeJwt(response.body.access_token);
      expect(header.alg).toBe('HS256');
      expect(payload).toEqual({
        sub: expect.stringMatching(/^\d+$/),
        username: 'alice',
        role: 'user',
        permissions: [],
        jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        ver: 1,
        iat: expect.any(Number),
        exp: (payload.iat as number) + app.config.jwt.expiresInSeconds,
      });
      expect(decodeJwt(await app.login('alice', PASSWORD)).payload.jti).not.toBe(payload.jti);
    });

    it('answers a wrong password and an unknown user identically', async () => {
      const wrongPassword = await login('alice', 'not-her-password');
      const unknownUser = await login('nobody-here', 'not-her-password');

      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body.message).toBe('Invalid username or password');
    });

    it('needs both fields', async () => {
      expect((await app.http().post('/api/v1/auth/login').send({ username: 'alice' })).status).toBe(400);
      expect((await app.http().post('/api/v1/auth/login').send({ password: PASSWORD })).status).toBe(400);
    });
  });

  describe('bearer tokens', () => {
    let aliceId: string;
    let validToken: string;

    beforeAll(async () => {
      validToken = await app.login('alice', PASSWORD);
      aliceId = decodeJwt(validToken).payload.sub as string;
    });

    it('accepts its own tokens and a well-formed token signed with the server secret', async () => {
      // Proves the forging helpers build real tokens: the refusals below are about what each case changes.
      expect((await me(`Bearer ${validToken}`)).status).toBe(200);
      const forged = signHs256(claims({ sub: aliceId, username: 'alice', role: 'user' }), TEST_JWT_SECRET);
      expect((await me(`Bearer ${forged}`)).status).toBe(200);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['another scheme', 'Basic YWRtaW46YWRtaW4='],
      ['Bearer without a token', 'Bearer '],
      ['a token that is not a JWT', 'Bearer not-a-jwt'],
      ['the token without the scheme', 'TOKEN'],
    ])('refuses %s with 401', async (_case, header) => {
      const value = header === 'TOKEN' ? validToken : header;
      const response = await me(value);

      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/bearer token|Invalid or expired token/i);
    });
  });

  describe('bootstrap admin (ADMIN_USERNAME/ADMIN_PASSWORD)', () => {
    it('is created at the first boot and neither duplicated nor failing when a second instance boots', async () => {
      const second = await startTestApp(databases);
      try {
        const admins = await databases.control<{ username: string }>("SELECT username FROM users WHERE role = 'admin'");
        expect(admins).toEqual([{ username: TEST_ADMIN.username }]);
        await second.adminToken();
        const created = await databases.control("SELECT id FROM audit_entries WHERE action = 'user.create-admin'");
        expect(created).toHaveLength(1);
      } finally {
        await second.close();
      }
    });

    describe('on a database without an admin', () => {
      let bare: TestDatabases;
      let bareApp: TestApp;
      let bootstrapper: AdminBootstrapService;

      beforeAll(async () => {
        bare = await createTestDatabases(engine);
        bareApp = await startTestApp(bare, { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
        bootstrapper = bareApp.app.get(AdminBootstrapService);
      });

      afterAll(async () => {
        await bareApp?.close();
        await bare?.drop();
      });

      it('does not promote an existing plain user who has the configured name', async () => {
        await bareApp.http().post('/api/v1/auth/signup').send({ username: 'boss', password: PASSWORD }).expect(201);

        await expect(bootstrapper.ensureAdmin('boss', 'boss-new-password')).resolves.toBe('name-taken-by-user');
        expect(await bare.control('SELECT role FROM users WHERE username = ?', ['boss'])).toEqual([{ role: 'user' }]);
      });

      it('refuses an invalid ADMIN_USERNAME with a message naming the variable', async () => {
        await expect(bootstrapper.ensureAdmin('bad name', PASSWORD)).rejects.toThrow(/ADMIN_USERNAME is invalid/);
      });

      it('creates exactly one admin when two instances bootstrap at the same moment', async () => {
        const outcomes = await Promise.all([
          bootstrapper.ensureAdmin('root', PASSWORD),
          bootstrapper.ensureAdmin('root', PASSWORD),
        ]);

        expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
        expect(await bare.control("SELECT username FROM users WHERE role = 'admin'")).toEqual([{ username: 'root' }]);
        await bareApp.login('root', PASSWORD);
        await expect(bootstrapper.ensureAdmin('root', PASSWORD)).resolves.toBe('admin-exists');
      });
    });
  });
});

describe('auth settings', () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases('sqlite');
  });

  afterAll(async () => {
    await databases?.drop();
  });

  const withApp = async (env: Record<string, string>, test: (app: TestApp) => Promise<void>) => {
    const app = await startTestApp(databases, env);
    try {
      await test(app);
    } finally {
      await app.close();
    }
  };

  it('documents the auth, users and audit routes in OpenAPI: bearer auth on protected routes, their error statuses', () =>
    withApp({}, async (app) => {
      const { paths } = (await app.http().get('/docs-json')).body as {
        paths: Record<string, Record<string, { security?: unknown[]; responses: object; summary?: string }>>;
      };
      const operation = (path: string, method: string) => {
        const op = paths[`/api/v1${path}`]?.[method];
        expect({ path, method, summary: typeof op?.summary }).toEqual({ path, method, summary: 'string' });
        return { secured: (op.security ?? []).length > 0, statuses: Object.keys(op.responses).sort() };
      };
      // Every route reading a body also answers 413 (too large) and 415 (not JSON in UTF-8).
      const withBody = ['413', '415'];

      expect(operation('/auth/signup', 'post')).toEqual({
        secured: false,
        statuses: ['201', '400', '403', '409', ...withBody, '429'],
      });
      expect(operation('/auth/login', 'post')).toEqual({
        secured: false,
        statuses: ['200', '400', '401', '403', ...withBody, '429'],
      });
      expect(operation('/auth/logout', 'post')).toEqual({ secured: true, statuses: ['204', '401'] });
      expect(operation('/auth/password', 'post')).toEqual({
        secured: true,
        statuses: ['204', '400', '401', '403', ...withBody, '429'],
      });
      expect(operation('/auth/me', 'get')).toEqual({ secured: true, statuses: ['200', '401'] });
      expect(operation('/users', 'get')).toEqual({ secured: true, statuses: ['200', '401', '403'] });
      expect(operation('/users/{username}/permissions', 'put')).toEqual({
        secured: true,
        statuses: ['200', '400', '401', '403', '404', ...withBody],
      });
      expect(operation('/users/{username}/role', 'put')).toEqual({
        secured: true,
        statuses: ['200', '400', '401', '403', '404', '409', ...withBody],
      });
      expect(operation('/users/{username}', 'patch')).toEqual({
        secured: true,
        statuses: ['200', '400', '401', '403', '404', '409', ...withBody],
      });
      expect(operation('/users/{username}', 'delete')).toEqual({
        secured: true,
        statuses: ['204', '400', '401', '403', '404', '409'],
      });
      expect(operation('/users/{username}/revoke-tokens', 'post')).toEqual({
        secured: true,
        statuses: ['200', '400', '401', '403', '404'],
      });
      expect(operation('/audit', 'get')).toEqual({ secured: true, statuses: ['200', '400', '401', '403'] });
    }));

  it('ALLOW_SIGNUP=false closes signup with 403 and leaves login working', () =>
    withApp({ ALLOW_SIGNUP: 'false' }, async (app) => {
      const response = await app.http().post('/api/v1/auth/signup').send({ username: 'late', password: PASSWORD });

      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/Signup is disabled/);
      await app.adminToken();
    }));

  it('AUTH_RATE_LIMIT_PER_MINUTE=3 answers the 4th login and signup of a minute with 429, other routes unlimited', () =>
    withApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' }, async (app) => {
      const login = (password: string) =>
        app.http().post('/api/v1/auth/login').send({ username: TEST_ADMIN.username, password });
      const token = (await login(TEST_ADMIN.password)).body.access_token as string;
      expect((await login('wrong-password')).status).toBe(401);
      expect((await login('wrong-password')).status).toBe(401);

      // Failed and successful attempts count alike: the right password does not get through either.
      const limited = await login(TEST_ADMIN.password);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({
        statusCode: 429,
        message: expect.stringMatching(
          /Too many attempts from your address: at most 3 per minute\. Try again in \d+ seconds/,
        ),
        error: 'Too Many Requests',
      });
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);

      const signup = (n: number) =>
        app
          .http()
          .post('/api/v1/auth/signup')
          .send({ username: `limited${n}`, password: PASSWORD });
      expect([(await signup(1)).status, (await signup(2)).status, (await signup(3)).status]).toEqual([201, 201, 201]);
      expect((await signup(4)).status).toBe(429);

      for (let i = 0; i < 6; i += 1) {
        expect((await app.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      }
    }));
});
