import { resolve } from 'node:path';
import {
  AppConfig,
  ConfigValidationError,
  Environment,
  buildAppConfig,
  parseByteSize,
  parseDuration,
} from './app-config';

const BASE_DIR = '/srv/das';

/** The problems buildAppConfig reports for `env`, or fails the test if it accepts it. */
function problemsOf(env: Environment): string[] {
  try {
    buildAppConfig(env, BASE_DIR);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(env)}`);
}

describe('buildAppConfig', () => {
  describe('with an empty environment', () => {
    let config: AppConfig;
    beforeAll(() => (config = buildAppConfig({}, BASE_DIR)));

    it('uses the embedded SQLite databases under ./data of the base directory and seeds the sample', () => {
      expect(config.controlDb).toEqual({ engine: 'sqlite', path: resolve(BASE_DIR, 'data/control.sqlite') });
      expect(config.sourceDb).toEqual({ engine: 'sqlite', path: resolve(BASE_DIR, 'data/source.sqlite') });
      expect(config.archiveDb).toEqual({ engine: 'sqlite', path: resolve(BASE_DIR, 'data/archive.sqlite') });
      expect(config.embeddedDefault).toBe(true);
      expect(config.seedSampleData).toBe(true);
    });

    it('applies the documented defaults', () => {
      expect(config).toMatchObject({
        nodeEnv: 'development',
        isProduction: false,
        port: 3000,
        logLevel: 'info',
        allowSignup: true,
        bootstrapAdmin: null,
        scheduler: { enabled: true, archivalCron: '0 2 * * *', purgeCron: '0 3 * * *' },
        archiveBatchSize: 1000,
        archiveLanes: 1,
        authRateLimitPerMinute: 10,
        databaseConnectAttempts: 9,
        encryptionKey: null,
        newEncryptionKey: null,
        connectionPassword: null,
        connectionPoolLimit: 4,
        connectionIdleSeconds: 300,
        metrics: { enabled: true, token: null, backlogIntervalSeconds: 300, backlogMaxRows: 1_000_000 },
      });
      expect(config.jwt.expiresInSeconds).toBe(3600);
      expect(config.jwt.checkCacheMs).toBe(5000);
      expect(config.http).toEqual({ bodyLimitBytes: 100 * 1024, bodyLimit: '100kb', exportMaxRows: 100_000 });
    });

    it('makes a random JWT secret per boot and says so', () => {
      expect(config.jwt.secretGenerated).toBe(true);
      expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
      expect(buildAppConfig({}, BASE_DIR).jwt.secret).not.toBe(config.jwt.secret);
    });
  });

  it('reads every variable of the contract (and the additions)', () => {
    const config = buildAppConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        LOG_LEVEL: 'debug',
        CONTROL_DB_URL: 'mysql://das:control%40pw@db1:3307/das_control',
        SOURCE_DB_URL: 'mariadb://reader:src-pw@db2/das_source?ssl=Amazon%20RDS',
        ARCHIVE_DB_URL: 'mysql://writer:arc-pw@db3:3306/das_archive',
        JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
        JWT_EXPIRES_IN: '30m',
        ALLOW_SIGNUP: 'false',
        ADMIN_USERNAME: 'root-admin',
        ADMIN_PASSWORD: 'admin-password-1',
        ARCHIVAL_JOB_CRON: '*/5 * * * *',
        PURGE_JOB_CRON: '0 4 * * 0',
        SCHEDULER_ENABLED: 'no',
        ARCHIVE_BATCH_SIZE: '250',
        ARCHIVE_BATCH_TARGET_MS: '500',
        ARCHIVE_LANES: '2',
        JOB_LEASE_TTL_SECONDS: '45',
        AUTH_RATE_LIMIT_PER_MINUTE: '30',
        DB_CONNECT_ATTEMPTS: '2',
        METRICS_ENABLED: 'false',
        METRICS_TOKEN: 'a-metrics-token-of-at-least-32-characters',
        METRICS_BACKLOG_INTERVAL_SECONDS: '0',
        METRICS_BACKLOG_MAX_ROWS: '50000',
        TOKEN_CHECK_CACHE_MS: '250',
        HTTP_BODY_LIMIT: '1MB',
      },
      BASE_DIR,
    );
    expect(config).toMatchObject({
      nodeEnv: 'production',
      isProduction: true,
      port: 8080,
      logLevel: 'debug',
      embeddedDefault: false,
      seedSampleData: false,
      allowSignup: false,
      bootstrapAdmin: { username: 'root-admin', password: 'admin-password-1' },
      scheduler: { enabled: false, archivalCron: '*/5 * * * *', purgeCron: '0 4 * * 0' },
      archiveBatchSize: 250,
      archiveBatchTargetMs: 500,
      archiveLanes: 2,
      jobLeaseTtlSeconds: 45,
      authRateLimitPerMinute: 30,
      databaseConnectAttempts: 2,
      metrics: {
        enabled: false,
        token: 'a-metrics-token-of-at-least-32-characters',
        backlogIntervalSeconds: 0,
        backlogMaxRows: 50000,
      },
      jwt: {
        secret: 'a-production-secret-of-at-least-32-chars',
        secretGenerated: false,
        expiresInSeconds: 1800,
        checkCacheMs: 250,
      },
      http: { bodyLimitBytes: 1024 * 1024, bodyLimit: '1mb', exportMaxRows: 100_000 },
    });
    expect(config.controlDb).toEqual({
      engine: 'mysql',
      host: 'db1',
      port: 3307,
      user: 'das',
      password: 'control@pw',
      database: 'das_control',
      options: {},
    });
    expect(config.sourceDb).toMatchObject({ host: 'db2', port: 3306, user: 'reader', options: { ssl: 'Amazon RDS' } });
    expect(config.archiveDb).toMatchObject({ host: 'db3', database: 'das_archive' });
  });

  it('keeps the sample seeding off only when SOURCE_DB_URL is given', () => {
    const config = buildAppConfig({ CONTROL_DB_URL: 'sqlite:./c.sqlite' }, BASE_DIR);
    expect(config.embeddedDefault).toBe(false);
    expect(config.seedSampleData).toBe(true);
    expect(config.controlDb).toEqual({ engine: 'sqlite', path: resolve(BASE_DIR, 'c.sqlite') });
  });

  it('treats blank values as unset', () => {
    expect(buildAppConfig({ PORT: '  ', JWT_EXPIRES_IN: '' }, BASE_DIR)).toMatchObject({ port: 3000 });
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['on', true],
    ['false', false],
    ['No', false],
    ['0', false],
    ['off', false],
  ])('reads the boolean %p as %p', (raw, expected) => {
    expect(buildAppConfig({ SCHEDULER_ENABLED: raw, ALLOW_SIGNUP: raw }, BASE_DIR)).toMatchObject({
      allowSignup: expected,
      scheduler: { enabled: expected },
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT must be an integer/],
    ['ARCHIVE_BATCH_SIZE', '0', /ARCHIVE_BATCH_SIZE must be an integer from 1 to 50000 \(got "0"\)/],
    ['ARCHIVE_BATCH_SIZE', '50001', /ARCHIVE_BATCH_SIZE must be an integer from 1 to 50000/],
    ['ARCHIVE_BATCH_SIZE', '1.5', /ARCHIVE_BATCH_SIZE must be an integer/],
    ['ARCHIVE_BATCH_TARGET_MS', '60001', /ARCHIVE_BATCH_TARGET_MS must be an integer from 0 to 60000/],
    ['ARCHIVE_LANES', '0', /ARCHIVE_LANES must be an integer from 1 to 4/],
    ['ARCHIVE_LANES', '5', /ARCHIVE_LANES must be an integer from 1 to 4/],
    ['JOB_LEASE_TTL_SECONDS', '0', /JOB_LEASE_TTL_SECONDS must be an integer from 1 to 86400/],
    ['AUTH_RATE_LIMIT_PER_MINUTE', '0', /AUTH_RATE_LIMIT_PER_MINUTE must be an integer/],
    ['DB_CONNECT_ATTEMPTS', '0', /DB_CONNECT_ATTEMPTS must be an integer from 1/],
    ['ARCHIVAL_JOB_CRON', 'nonsense', /ARCHIVAL_JOB_CRON is not a valid cron expression \("nonsense"\)/],
    ['PURGE_JOB_CRON', '61 * * * *', /PURGE_JOB_CRON is not a valid cron expression/],
    ['SCHEDULER_ENABLED', 'maybe', /SCHEDULER_ENABLED must be true or false \(got "maybe"\)/],
    ['ALLOW_SIGNUP', 'sometimes', /ALLOW_SIGNUP must be true or false/],
    ['JWT_EXPIRES_IN', 'soon', /JWT_EXPIRES_IN must be a duration like 3600, 30m, 1h or 7d \(got "soon"\)/],
    ['JWT_EXPIRES_IN', '0', /JWT_EXPIRES_IN must be a duration/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['CONTROL_DB_URL', 'postgres://u:p@h/db', /CONTROL_DB_URL: unsupported database URL/],
    ['SOURCE_DB_URL', 'sqlite:', /SOURCE_DB_URL: a sqlite URL needs a file path/],
    ['ARCHIVE_DB_URL', 'mysql://u:p@h:3306/', /ARCHIVE_DB_URL: the URL must name a database/],
    ['METRICS_ENABLED', 'maybe', /METRICS_ENABLED must be true or false/],
    ['METRICS_BACKLOG_INTERVAL_SECONDS', '-1', /METRICS_BACKLOG_INTERVAL_SECONDS must be an integer from 0 to 86400/],
    ['METRICS_BACKLOG_MAX_ROWS', '999', /METRICS_BACKLOG_MAX_ROWS must be an integer from 1000 to 1000000000/],
    ['EXPORT_MAX_ROWS', '0', /EXPORT_MAX_ROWS must be an integer from 1 to 10000000/],
    ['METRICS_TOKEN', 'two words', /METRICS_TOKEN must not contain whitespace/],
    ['ADMIN_PASSWORD', 'long-enough-password', /ADMIN_USERNAME and ADMIN_PASSWORD must be set together/],
    ['TOKEN_CHECK_CACHE_MS', '5001', /TOKEN_CHECK_CACHE_MS must be an integer from 0 to 5000 \(got "5001"\)/],
    ['HTTP_BODY_LIMIT', 'lots', /HTTP_BODY_LIMIT must be a size from 1kb to 10mb, like 100kb or 1mb \(got "lots"\)/],
    ['HTTP_BODY_LIMIT', '11mb', /HTTP_BODY_LIMIT must be a size from 1kb to 10mb/],
    ['HTTP_BODY_LIMIT', '1023', /HTTP_BODY_LIMIT must be a size from 1kb to 10mb/],
    ['APP_ROLE', 'scheduler', /APP_ROLE must be one of api, worker, all \(got "scheduler"\)/],
    ['REDIS_URL', 'http://redis:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['QUEUE_JOB_ATTEMPTS', '0', /QUEUE_JOB_ATTEMPTS must be an integer from 1 to 20/],
    ['QUEUE_STALLED_SECONDS', '1', /QUEUE_STALLED_SECONDS must be an integer from 2 to 3600/],
  ])('rejects %s=%p with a message naming it', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it('rejects an ADMIN_PASSWORD shorter than 8 characters', () => {
    expect(problemsOf({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'short' })).toEqual([
      'ADMIN_PASSWORD must be at least 8 characters',
    ]);
  });

  it('rejects source and archive databases of different engines', () => {
    expect(problemsOf({ SOURCE_DB_URL: 'mysql://u:p@h/s' })).toEqual([
      expect.stringMatching(/SOURCE_DB_URL and ARCHIVE_DB_URL must use the same engine \(got mysql and sqlite\)/),
    ]);
  });

  it('reports every problem at once, in one error message', () => {
    const env = { PORT: 'abc', ARCHIVE_BATCH_SIZE: '0', SCHEDULER_ENABLED: 'maybe', JWT_EXPIRES_IN: 'soon' };
    const problems = problemsOf(env);
    expect(problems).toHaveLength(4);
    for (const name of Object.keys(env)) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${name} `)));
    }
    expect(() => buildAppConfig(env, BASE_DIR)).toThrow(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  });

  describe('in production', () => {
    it('requires JWT_SECRET', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        expect.stringMatching(/^JWT_SECRET is required when NODE_ENV=production/),
      ]);
    });

    it('requires a JWT_SECRET of at least 32 characters', () => {
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toEqual([
        'JWT_SECRET must be at least 32 characters when NODE_ENV=production',
      ]);
      expect(buildAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, BASE_DIR).isProduction).toBe(true);
    });

    it('requires a METRICS_TOKEN of at least 32 characters, and never repeats it', () => {
      const token = 'short-metrics-token';
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), METRICS_TOKEN: token });
      expect(problems).toEqual(['METRICS_TOKEN must be at least 32 characters when NODE_ENV=production']);
      const long = 'm'.repeat(32);
      expect(
        buildAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), METRICS_TOKEN: long }, BASE_DIR).metrics,
      ).toMatchObject({ token: long });
    });

    it('accepts a short METRICS_TOKEN outside production', () => {
      expect(buildAppConfig({ METRICS_TOKEN: 'dev-token' }, BASE_DIR).metrics.token).toBe('dev-token');
    });

    it('accepts a short secret outside production', () => {
      expect(buildAppConfig({ JWT_SECRET: 'dev' }, BASE_DIR).jwt).toMatchObject({
        secret: 'dev',
        secretGenerated: false,
      });
    });
  });

  it('logs quietly under NODE_ENV=test unless LOG_LEVEL says otherwise', () => {
    expect(buildAppConfig({ NODE_ENV: 'test' }, BASE_DIR).logLevel).toBe('warn');
    expect(buildAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }, BASE_DIR).logLevel).toBe('debug');
  });

  it.each([
    'mysql://das:Pa55-secret-word@db:notaport/das',
    'mysql://das:Pa55-secret-word@db:3306/',
    'mysql://das:Pa55-secret-word@db:3306',
    'pgsql://das:Pa55-secret-word@db/das',
    'mysql://das:Pa55-secret-word@[::1/das',
  ])('never repeats the password of a bad database URL (%s)', (url) => {
    const problems = problemsOf({ CONTROL_DB_URL: url, SOURCE_DB_URL: url, ARCHIVE_DB_URL: url });
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.join('\n')).toMatch(/CONTROL_DB_URL.*\n.*SOURCE_DB_URL.*\n.*ARCHIVE_DB_URL/);
    expect(problems.join('\n')).not.toContain('Pa55-secret-word');
  });
});

describe('ENCRYPTION_KEY and the connection settings', () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256));

  it('reads a base64 key of 32 bytes, the pool limit and the idle time', () => {
    const config = buildAppConfig(
      {
        ENCRYPTION_KEY: key.toString('base64'),
        NEW_ENCRYPTION_KEY: Buffer.from(key).reverse().toString('base64'),
        CONNECTION_PASSWORD: ' spaced password ',
        CONNECTION_POOL_LIMIT: '2',
        CONNECTION_IDLE_SECONDS: '5',
      },
      BASE_DIR,
    );
    expect(config.encryptionKey?.equals(key)).toBe(true);
    expect(config.newEncryptionKey?.equals(Buffer.from(key).reverse())).toBe(true);
    expect(config).toMatchObject({
      connectionPassword: ' spaced password ',
      connectionPoolLimit: 2,
      connectionIdleSeconds: 5,
    });
  });

  it.each([
    [
      'too short',
      Buffer.alloc(16, 7).toString('base64'),
      /ENCRYPTION_KEY must be 32 random bytes in base64, got 16 bytes/,
    ],
    ['not base64', 'this is not base64 at all!', /ENCRYPTION_KEY must be 32 random bytes in base64 \(make one with/],
    ['not random', Buffer.alloc(32).toString('base64'), /ENCRYPTION_KEY is not random/],
  ])('refuses a key that is %s, without repeating it', (_, value, message) => {
    const problems = problemsOf({ ENCRYPTION_KEY: value });
    expect(problems).toEqual([expect.stringMatching(message)]);
    expect(problems.join('')).not.toContain(value);
  });

  it.each([
    ['CONNECTION_POOL_LIMIT', '0', /CONNECTION_POOL_LIMIT must be an integer from 1 to 64/],
    ['CONNECTION_IDLE_SECONDS', '0', /CONNECTION_IDLE_SECONDS must be an integer from 1 to 86400/],
    ['NEW_ENCRYPTION_KEY', 'abc', /NEW_ENCRYPTION_KEY must be 32 random bytes/],
  ])('rejects %s=%p', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(message)]);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['2048', 2048],
    ['512b', 512],
    ['100kb', 102400],
    ['1MB', 1048576],
    [' 64 kb ', 65536],
  ])('reads %p as %p bytes', (raw, bytes) => {
    expect(parseByteSize(raw)).toBe(bytes);
  });

  it.each(['', 'lots', '1.5mb', '-1kb', '1gb', '0x10'])('rejects %p', (raw) => {
    expect(parseByteSize(raw)).toBeNull();
  });
});

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['45s', 45],
    ['30m', 1800],
    ['1h', 3600],
    ['7d', 604800],
    ['2H', 7200],
  ])('reads %p as %p seconds', (raw, seconds) => {
    expect(parseDuration(raw)).toBe(seconds);
  });

  it.each(['soon', '', '1w', '-5m', '0', '1.5h'])('rejects %p', (raw) => {
    expect(parseDuration(raw)).toBeNull();
  });
});

describe('job execution settings', () => {
  it('executes inline, 2 jobs at a time, by default', () => {
    expect(buildAppConfig({}, BASE_DIR).jobs).toEqual({
      execution: 'inline',
      concurrency: 2,
      timeoutSeconds: 86400,
      processHeapMb: 0,
      testOutOfMemoryTable: null,
    });
  });

  it('reads JOB_CONCURRENCY, JOB_TIMEOUT_SECONDS and JOB_PROCESS_HEAP_MB', () => {
    const config = buildAppConfig(
      { JOB_EXECUTION: 'INLINE', JOB_CONCURRENCY: '5', JOB_TIMEOUT_SECONDS: '600', JOB_PROCESS_HEAP_MB: '256' },
      BASE_DIR,
    );
    expect(config.jobs).toMatchObject({ execution: 'inline', concurrency: 5, timeoutSeconds: 600, processHeapMb: 256 });
  });

  it.each([
    ['JOB_EXECUTION', 'threads', /JOB_EXECUTION must be one of inline, process, queue \(got "threads"\)/],
    ['JOB_CONCURRENCY', '0', /JOB_CONCURRENCY must be an integer from 1 to 64/],
    ['JOB_TIMEOUT_SECONDS', '5', /JOB_TIMEOUT_SECONDS must be an integer from 10 to 604800/],
    ['JOB_PROCESS_HEAP_MB', 'lots', /JOB_PROCESS_HEAP_MB must be an integer from 0 to 65536/],
  ])('rejects %s=%p', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('reads JOB_EXECUTION=queue with REDIS_URL and APP_ROLE, and needs REDIS_URL for it', () => {
    const config = buildAppConfig(
      { JOB_EXECUTION: 'queue', REDIS_URL: 'redis://redis:6379', APP_ROLE: 'api' },
      BASE_DIR,
    );
    expect(config.jobs.execution).toBe('queue');
    expect(config.appRole).toBe('api');
    expect(config.queue).toMatchObject({ redis: { host: 'redis', port: 6379 }, attempts: 3, stalledSeconds: 30 });
    expect(problemsOf({ JOB_EXECUTION: 'queue' })).toEqual([
      'JOB_EXECUTION=queue needs REDIS_URL (e.g. redis://redis:6379), where the job queue lives',
    ]);
  });

  it('refuses APP_ROLE api or worker outside queue mode', () => {
    expect(problemsOf({ APP_ROLE: 'worker' })).toEqual([
      'APP_ROLE=worker needs JOB_EXECUTION=queue (other modes run every role in one process)',
    ]);
  });

  it('reads JOB_EXECUTION=process', () => {
    expect(buildAppConfig({ JOB_EXECUTION: 'process' }, BASE_DIR).jobs.execution).toBe('process');
  });

  it('honours the out-of-memory test hook only under NODE_ENV=test, and refuses it otherwise', () => {
    const hook = { DAS_TEST_JOB_PROCESS_OOM_TABLE: 'orders' };
    expect(buildAppConfig({ ...hook, NODE_ENV: 'test' }, BASE_DIR).jobs.testOutOfMemoryTable).toBe('orders');
    expect(problemsOf({ ...hook, NODE_ENV: 'development' })).toEqual([
      'DAS_TEST_JOB_PROCESS_OOM_TABLE is a test hook and is refused unless NODE_ENV=test',
    ]);
  });
});
