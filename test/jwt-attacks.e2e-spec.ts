import request from 'supertest';
import { AppProcess, startAppProcess } from './support/app-process';
import { TEST_ADMIN, TEST_JWT_SECRET, TestApp, startTestApp } from './support/test-app';
import { TestDatabases, createTestDatabases, describeEachEngine } from './support/test-databases';
import { JwtPart, claims, decodeJwt, signHs256, tamperPayload, unsignedToken } from './support/tokens';

const PASSWORD = 'user-password-123';
/** The token check's cache on the attacked replica, short so the "once it has passed" rows wait little. */
const CACHE_MS = 300;
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Tokens an attacker (or a former user) might present, each against a real server over HTTP: every
 * one is a 401, and a valid token lacking a right a 403. Changes to users are made through a second
 * replica, a DAS process of its own on the same databases, so the replica under attack learns of
 * them only through the control database once its cache (TOKEN_CHECK_CACHE_MS) has passed.
 * test/cli.e2e-spec.ts shows the default 5 s bound with a change made by the CLI.
 */
describeEachEngine('JWT attacks', (engine) => {
  let databases: TestDatabases;
  let app: TestApp;
  let otherProcess: AppProcess;
  let adminToken: string;
  const otherReplica = { http: () => request(otherProcess.url) };

  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    await databases.source('CREATE TABLE orders (id INT PRIMARY KEY, created_at DATETIME)');
    await databases.source('CREATE TABLE invoices (id INT PRIMARY KEY, created_at DATETIME)');
    app = await startTestApp(databases, { TOKEN_CHECK_CACHE_MS: String(CACHE_MS) });
    otherProcess = await startAppProcess({
      ...databases.env,
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      SCHEDULER_ENABLED: 'false',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      TOKEN_CHECK_CACHE_MS: String(CACHE_MS),
    });
    const login = await otherReplica.http().post('/api/v1/auth/login').send(TEST_ADMIN).expect(200);
    adminToken = login.body.access_token as string;
  });

  afterAll(async () => {
    await app?.close();
    await otherProcess?.stop();
    await databases?.drop();
  });

  const me = (token: string) => app.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const asAdmin = (method: 'put' | 'patch' | 'delete' | 'post', path: string, body?: object) => {
    const request = otherReplica.http()[method](path).set('Authorization', `Bearer ${adminToken}`);
    return body === undefined ? request : request.send(body);
  };

  describe('forged and malformed tokens', () => {
    let alice: { token: string; claims: JwtPart };
    const now = () => Math.floor(Date.now() / 1000);
    const aliceClaims = (overrides: JwtPart = {}) => claims({ ...alice.claims, jti: claims().jti, ...overrides });

    beforeAll(async () => {
      const token = await app.createUser('alice', ['orders']);
      alice = { token, claims: decodeJwt(token).payload };
    });

    it('accepts the real token and one forged with the server secret (the forging helpers are sound)', async () => {
      expect((await me(alice.token)).status).toBe(200);
      expect((await me(signHs256(aliceClaims(), TEST_JWT_SECRET))).status).toBe(200);
    });

    const attacks: Array<[string, () => string]> = [
      ...['none', 'None', 'NONE', 'nOnE'].map((alg): [string, () => string] => [
        `alg "${alg}" without a signature`,
        () => unsignedToken(aliceClaims(), alg),
      ]),
      ['alg "none" with an HS256 signature', () => signHs256(aliceClaims(), TEST_JWT_SECRET, { alg: 'none' })],
      ['signed with another key', () => signHs256(aliceClaims(), 'another-secret-of-a-decent-length-0123456789')],
      [
        'signed HS384 with the right key',
        () => signHs256(aliceClaims(), TEST_JWT_SECRET, { alg: 'HS384', typ: 'JWT' }),
      ],
      [
        'signed HS512 with the right key',
        () => signHs256(aliceClaims(), TEST_JWT_SECRET, { alg: 'HS512', typ: 'JWT' }),
      ],
      [
        'claiming RS256, HMAC-signed with the secret',
        () => signHs256(aliceClaims(), TEST_JWT_SECRET, { alg: 'RS256' }),
      ],
      ['expired', () => signHs256(aliceClaims({ iat: now() - 7200, exp: now() - 60 }), TEST_JWT_SECRET)],
      ['not valid before an hour from now (nbf)', () => signHs256(aliceClaims({ nbf: now() + 3600 }), TEST_JWT_SECRET)],
      [
        'issued an hour from now (iat)',
        () => signHs256(aliceClaims({ iat: now() + 3600, exp: now() + 7200 }), TEST_JWT_SECRET),
      ],
      ['tampered: role admin, original signature', () => tamperPayload(alice.token, (p) => ({ ...p, role: 'admin' }))],
      [
        'tampered: a permission added, original signature',
        () => tamperPayload(alice.token, (p) => ({ ...p, permissions: ['orders', 'invoices'] })),
      ],
      ['tampered: another user id, original signature', () => tamperPayload(alice.token, (p) => ({ ...p, sub: '1' }))],
      [
        'tampered: a newer token version, original signature',
        () => tamperPayload(alice.token, (p) => ({ ...p, ver: (p.ver as number) + 1 })),
      ],
      ['without exp', () => signHs256({ ...aliceClaims(), exp: undefined }, TEST_JWT_SECRET)],
      [
        'without jti (issued before tokens could be revoked)',
        () => signHs256({ ...aliceClaims(), jti: undefined }, TEST_JWT_SECRET),
      ],
      ['without a token version', () => signHs256({ ...aliceClaims(), ver: undefined }, TEST_JWT_SECRET)],
      ['of a token version the user never had', () => signHs256(aliceClaims({ ver: 7 }), TEST_JWT_SECRET)],
      ['with an unknown role', () => signHs256(aliceClaims({ role: 'superuser' }), TEST_JWT_SECRET)],
      [
        'with permissions that are not a list',
        () => signHs256(aliceClaims({ permissions: 'orders' }), TEST_JWT_SECRET),
      ],
      ['with a non-numeric sub', () => signHs256(aliceClaims({ sub: 'alice' }), TEST_JWT_SECRET)],
      ['of a user that never existed', () => signHs256(aliceClaims({ sub: '987654' }), TEST_JWT_SECRET)],
      [
        "with another user's name on alice's id",
        () => signHs256(aliceClaims({ username: 'admin', role: 'admin' }), TEST_JWT_SECRET),
      ],
    ];

    it.each(attacks)('refuses a token %s with 401', async (_case, makeToken) => {
      const response = await me(makeToken());

      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        statusCode: 401,
        message: expect.stringMatching(/^(Invalid or expired token|Token no longer valid).*log in again/),
        error: 'Unauthorized',
      });
    });

    it('refuses a forged admin token on an admin route with 401, not 403', async () => {
      const forged = tamperPayload(alice.token, (p) => ({ ...p, role: 'admin' }));
      expect((await app.http().get('/api/v1/users').set('Authorization', `Bearer ${forged}`)).status).toBe(401);
    });

    it.each(attacks)(
      'refuses a token %s on GET /metrics, which has a gate of its own, with 401',
      async (_case, makeToken) => {
        const response = await app.http().get('/metrics').set('Authorization', `Bearer ${makeToken()}`);

        expect({ status: response.status, body: response.body }).toEqual({
          status: 401,
          body: {
            statusCode: 401,
            message: expect.stringMatching(/^(Invalid or expired token|Token no longer valid).*log in again/),
            error: 'Unauthorized',
          },
        });
      },
    );

    it("answers a valid token lacking a role or a table's permission with 403", async () => {
      const users = await app.http().get('/api/v1/users').set('Authorization', `Bearer ${alice.token}`);
      expect(users.status).toBe(403);
      expect(users.body.message).toMatch(/needs the role admin/);
      const archive = await app.http().get('/api/v1/archives/invoices').set('Authorization', `Bearer ${alice.token}`);
      expect(archive.status).toBe(403);
      expect(archive.body.message).toMatch(/not permitted to read table "invoices"/);
    });
  });

  describe('tokens whose user changed, once TOKEN_CHECK_CACHE_MS has passed', () => {
    /**
     * A fresh user's token works on the attacked replica (and is now in its cache); `change` is made
     * elsewhere; once the cache has passed, the token is a 401, and a new login works again when
     * `loginAfterwards` says so.
     */
    const refusedAfter = async (
      username: string,
      change: (token: string) => Promise<unknown>,
      loginAfterwards: boolean,
    ): Promise<void> => {
      const token = await app.createUser(username, ['orders']);
      expect((await me(token)).status).toBe(200);

      await change(token);
      await sleep(CACHE_MS + 200);

      const response = await me(token);
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/^Token no longer valid/);
      if (loginAfterwards) {
        expect((await me(await app.login(username, PASSWORD))).status).toBe(200);
      } else {
        await expect(app.login(username, PASSWORD)).rejects.toThrow(/login of .* failed: (401|403)/);
      }
    };

    it('refuses the token of a deleted user', () =>
      refusedAfter('deleted', () => asAdmin('delete', '/api/v1/users/deleted').expect(204), false));

    it('refuses the token of a disabled user, and their login with 403', async () => {
      await refusedAfter(
        'disabled',
        () => asAdmin('patch', '/api/v1/users/disabled', { disabled: true }).expect(200),
        false,
      );
      const login = await app.http().post('/api/v1/auth/login').send({ username: 'disabled', password: PASSWORD });
      expect(login.status).toBe(403);
      expect(login.body.message).toBe('This account is disabled: ask an admin to enable it');
    });

    it('refuses a token after its logout (at once on the replica that logged it out)', async () => {
      const token = await app.createUser('leaving', ['orders']);
      const other = await app.login('leaving', PASSWORD);
      await app.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);

      expect((await me(token)).status).toBe(401);
      expect((await me(other)).status).toBe(200);
      // GET /metrics checks tokens through the same strategy: the logged-out token is a 401 there
      // too, where the user's live token is a 403 (not an admin).
      expect((await app.http().get('/metrics').set('Authorization', `Bearer ${token}`)).status).toBe(401);
      expect((await app.http().get('/metrics').set('Authorization', `Bearer ${other}`)).status).toBe(403);
    });

    it('refuses a token logged out on another replica', () =>
      refusedAfter(
        'leaving-elsewhere',
        (token) => otherReplica.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).expect(204),
        true,
      ));

    it('refuses a token after a role change', () =>
      refusedAfter(
        'promoted',
        () => asAdmin('put', '/api/v1/users/promoted/role', { role: 'admin' }).expect(200),
        true,
      ));

    it('refuses a token after a permission change', () =>
      refusedAfter(
        'regranted',
        () => asAdmin('put', '/api/v1/users/regranted/permissions', { tables: ['invoices'] }).expect(200),
        true,
      ));

    it('refuses a token after a password change', async () => {
      const token = await app.createUser('rotating', ['orders']);
      const second = await app.login('rotating', PASSWORD);
      expect((await me(second)).status).toBe(200);
      await otherReplica
        .http()
        .post('/api/v1/auth/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password' })
        .expect(204);
      await sleep(CACHE_MS + 200);

      expect((await me(second)).status).toBe(401);
      await expect(app.login('rotating', PASSWORD)).rejects.toThrow(/401/);
      expect((await me(await app.login('rotating', 'a-brand-new-password'))).status).toBe(200);
    });

    it('refuses every token of a user after an admin revoked them', () =>
      refusedAfter('revoked', () => asAdmin('post', '/api/v1/users/revoked/revoke-tokens').expect(200), true));

    it('keeps a token valid when nothing about its user changed', async () => {
      const token = await app.createUser('steady', ['orders']);
      await asAdmin('put', '/api/v1/users/steady/permissions', { tables: ['orders'] }).expect(200);
      await sleep(CACHE_MS + 200);
      expect((await me(token)).status).toBe(200);
    });
  });
});
