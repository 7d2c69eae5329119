import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { HTTP_APP_OPTIONS, configureApp } from '../../src/app.setup';
import { AppConfig, buildAppConfig } from '../../src/config/app-config';
import { TestDatabases, TestEngine, createTestDatabases } from './test-databases';

export const TEST_ADMIN = { username: 'admin', password: 'admin-password-123' };
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-production-0123456789';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** A supertest agent on the real listening port (real HTTP, not an in-process shortcut). */
  http(): TestAgent;
  /** Logs in and returns the access token. */
  login(username: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Signs up a user, optionally grants tables (as admin), and returns a fresh token for them. */
  createUser(username: string, tables?: string[], password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The environment of a DAS process started for a test on `databases`: test mode, the test JWT
 * secret and admin; `extra` added (log level, scheduler, mode…).
 */
export function testProcessEnv(
  databases: Pick<TestDatabases, 'env'>,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...databases.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ...extra,
  };
}

/**
 * Boots the real AppModule (everything production has: guards, pipes, filters, migrations) on the
 * given databases and listens on a random port. `env` overrides configuration variables.
 *
 * Passport keeps one strategy per name per process: the app started last checks the tokens of
 * every app of this process. A second replica that must be a replica of its own (its own token
 * caches) runs as a process: startAppProcess.
 */
export async function startTestApp(
  databases: Pick<TestDatabases, 'env' | 'baseDir'>,
  env: Record<string, string> = {},
  options: { productionLogger?: boolean } = {},
): Promise<TestApp> {
  const config = buildAppConfig(
    {
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      SCHEDULER_ENABLED: 'false',
      ADMIN_USERNAME: TEST_ADMIN.username,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      // Every 4xx is a warning, and tests make many: only errors reach the test output.
      LOG_LEVEL: 'error',
      ...databases.env,
      ...env,
    },
    databases.baseDir,
  );
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    ...HTTP_APP_OPTIONS,
    logger: ['error', 'warn'],
  });
  if (options.productionLogger) {
    // What main.ts does: Nest's own messages go through pino too, as JSON lines on stdout.
    app.useLogger(app.get(Logger));
  }
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const http = () => request(url.replace('[::1]', '127.0.0.1'));

  const login = async (username: string, password: string): Promise<string> => {
    const response = await http().post('/api/v1/auth/login').send({ username, password });
    if (response.status !== 200) {
      throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body.access_token as string;
  };
  const adminToken = () => login(TEST_ADMIN.username, TEST_ADMIN.password);

  return {
    app,
    config,
    url,
    http,
    login,
    adminToken,
    createUser: async (username, tables = [], password = 'user-password-123') => {
      const signup = await http().post('/api/v1/auth/signup').send({ username, password });
      if (signup.status !== 201) {
        throw new Error(`signup of ${username} failed: ${signup.status} ${JSON.stringify(signup.body)}`);
      }
      if (tables.length > 0) {
        const granted = await http()
          .put(`/api/v1/users/${username}/permissions`)
          .set('Authorization', `Bearer ${await adminToken()}`)
          // Fixtures often grant a table before creating it: the grant check has its own tests.
          .send({ tables, allowMissing: true });
        if (granted.status !== 200) {
          throw new Error(`grant to ${username} failed: ${granted.status} ${JSON.stringify(granted.body)}`);
        }
      }
      return login(username, password);
    },
    close: () => app.close(),
  };
}

/**
 * Fresh databases and a running app for the enclosing `describe`: created before its tests, closed
 * and dropped after. `receive` gets them once they exist (assign them to the suite's variables).
 */
export function useTestApp(
  engine: TestEngine,
  receive: (started: { databases: TestDatabases; app: TestApp }) => void,
  env: Record<string, string> = {},
): void {
  let started: { databases: TestDatabases; app: TestApp } | undefined;
  let databases: TestDatabases | undefined;
  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    started = { databases, app: await startTestApp(databases, env) };
    receive(started);
  });
  afterAll(async () => {
    await started?.app.close();
    await databases?.drop();
  });
}
