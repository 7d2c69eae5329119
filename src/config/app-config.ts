import { randomBytes } from 'node:crypto';
import { CronTime } from 'cron';
import { MAX_LANES } from '../archive/engine/key-lanes';
import { RunWindow } from '../archive/engine/run-window';
import { SessionLimits } from '../database/sql-client';
import { ConnectionSettings, MysqlConnectionSettings, parseDatabaseUrl } from './database-url';
import { RedisSettings, parseRedisUrl } from './redis-url';

/** Typed, validated configuration. Built once at boot from the environment (see config.module.ts). */
export class AppConfig {
  readonly nodeEnv: string;
  readonly isProduction: boolean;
  /** Where relative paths resolve: SQLite files of the URLs and of stored connections. */
  readonly baseDir: string;
  readonly port: number;
  readonly logLevel: string;
  readonly controlDb: ConnectionSettings;
  readonly sourceDb: ConnectionSettings;
  readonly archiveDb: ConnectionSettings;
  /** Whether the three URLs were all left unset: the embedded SQLite default, whose source gets a sample table. */
  readonly embeddedDefault: boolean;
  /** SOURCE_DB_URL left unset: an empty embedded source database gets the sample `orders` table. */
  readonly seedSampleData: boolean;
  readonly jwt: {
    readonly secret: string;
    /** True when no JWT_SECRET was given and a random one was made for this boot. */
    readonly secretGenerated: boolean;
    readonly expiresInSeconds: number;
    /**
     * How long a token's user state (exists, enabled, token version) and its revocation are cached
     * per process before the control database is asked again: the longest a revoked token still works.
     */
    readonly checkCacheMs: number;
  };
  readonly http: {
    /** Largest request body accepted, in bytes (HTTP_BODY_LIMIT). */
    readonly bodyLimitBytes: number;
    /** HTTP_BODY_LIMIT as configured, e.g. `100kb`, for messages. */
    readonly bodyLimit: string;
    /** Most rows one archive export (GET /archives/{tableName}/export) writes (EXPORT_MAX_ROWS). */
    readonly exportMaxRows: number;
  };
  readonly allowSignup: boolean;
  readonly bootstrapAdmin: { readonly username: string; readonly password: string } | null;
  readonly scheduler: {
    readonly enabled: boolean;
    readonly archivalCron: string;
    readonly purgeCron: string;
  };
  readonly archiveBatchSize: number;
  /** Batches adapt toward this transaction time (ms); 0 keeps every batch at its configured size. */
  readonly archiveBatchTargetMs: number;
  /** Key ranges an archive or purge run works at once, each on its own connections (1 = one session). */
  readonly archiveLanes: number;
  /**
   * How long a job's lease (one run per job and table, across processes) stays valid without renewal.
   * A running job renews it several times per TTL; a crashed one blocks the table for at most this long.
   */
  readonly jobLeaseTtlSeconds: number;
  /** Rate limit of login/signup: attempts per minute and client address. */
  readonly authRateLimitPerMinute: number;
  /** Connection attempts per database at boot (3 s apart) before the service gives up. */
  readonly databaseConnectAttempts: number;
  /** Lock wait and statement time limits of every source and archive session a job uses. */
  readonly sessionLimits: SessionLimits;
  /** At shutdown, how long running jobs get to finish their batch before it is rolled back. */
  readonly shutdownGraceSeconds: number;
  /** A run that commits no batch for this long is failed, its batch in flight rolled back. */
  readonly runStallSeconds: number;
  /** Replicas of the env-configured source, watched for lag between batches. */
  readonly sourceReplicas: readonly MysqlConnectionSettings[];
  /** Service-wide throttling defaults; a policy and a run may set their own. */
  readonly throttle: {
    /** Pause while a watched replica lags more than this (seconds). */
    readonly maxReplicaLagSeconds: number;
    /** Pause while the source's Threads_running exceeds this; 0 = no such check. */
    readonly maxThreadsRunning: number;
    /** Batches only inside this daily UTC window; null = any time. */
    readonly runWindow: RunWindow | null;
  };
  /**
   * ENCRYPTION_KEY: the AES-256 key that encrypts stored connection passwords; null when unset
   * (then no password may be stored).
   */
  readonly encryptionKey: Buffer | null;
  /** NEW_ENCRYPTION_KEY: the key `keys:rotate` re-encrypts under (it may come from stdin instead). */
  readonly newEncryptionKey: Buffer | null;
  /** CONNECTION_PASSWORD: the password `connection:add` stores (it may come from stdin instead). */
  readonly connectionPassword: string | null;
  /** Connections a managed connection's pool holds at most (a connection's own `connectionLimit` wins). */
  readonly connectionPoolLimit: number;
  /** A managed connection's pool is closed after this many seconds without a job or read using it. */
  readonly connectionIdleSeconds: number;
  readonly metrics: MetricsSettings;
  /** Where and how many jobs run (src/scheduler/execution). */
  readonly jobs: JobExecutionSettings;
  /**
   * APP_ROLE: what this process does. `api` serves HTTP and admits jobs, `worker` executes queued
   * jobs (no HTTP), `all` both. Only queue mode (JOB_EXECUTION=queue) separates them.
   */
  readonly appRole: AppRole;
  readonly queue: QueueSettings;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

/** GET /metrics and what feeds it (see src/metrics). */
export interface MetricsSettings {
  /** false: the route answers 404, nothing is collected or sampled. */
  readonly enabled: boolean;
  /** A bearer token that may read /metrics besides an admin's JWT (for Prometheus); null: admins only. */
  readonly token: string | null;
  /** Seconds between two samples of the archive backlog (and re-reads of last successes); 0: never. */
  readonly backlogIntervalSeconds: number;
  /** Most rows one backlog sample reads per policy; a count that reaches it is a lower bound. */
  readonly backlogMaxRows: number;
}

/**
 * Where a job executes once admitted: `inline` in the process that admitted it, `process` in a
 * fresh child process per job, `queue` on workers fed by a queue.
 */
export const EXECUTION_MODES = ['inline', 'process', 'queue'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/**
 * The modes this build can run (a declared mode without an executor is refused with a clear message;
 * see src/scheduler/execution/job-executor.ts).
 */
export const AVAILABLE_EXECUTION_MODES: readonly ExecutionMode[] = ['inline', 'process', 'queue'];

/** How jobs execute (JOB_EXECUTION, JOB_CONCURRENCY…). */
export interface JobExecutionSettings {
  readonly execution: ExecutionMode;
  /** Jobs one process executes at once (a scheduled tick runs up to this many policies together). */
  readonly concurrency: number;
  /** `process` mode: a child still running after this long is stopped and its run failed. */
  readonly timeoutSeconds: number;
  /** `process` mode: the child's V8 heap limit in MB (--max-old-space-size); 0 = the service's own. */
  readonly processHeapMb: number;
  /**
   * Tests only (NODE_ENV=test, refused otherwise): a job process executing a run on this table
   * allocates memory until it dies of it, so that tests can show how an out-of-memory child ends.
   */
  readonly testOutOfMemoryTable: string | null;
}

export const APP_ROLES = ['api', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** The BullMQ queue of queue mode (see src/queue). */
export interface QueueSettings {
  /** REDIS_URL; null when unset (then queue mode cannot start). */
  readonly redis: RedisSettings | null;
  /**
   * QUEUE_JOB_ATTEMPTS: how often a queued job is tried before it lands in the failed set: the
   * first attempt, then retries after a failure of the job itself (not of its run's data: that is
   * a recorded run) or after its worker died (a stalled job).
   */
  readonly attempts: number;
  /**
   * QUEUE_STALLED_SECONDS: a worker renews its lock on a job every half of this; a job whose lock
   * has not been renewed for this long (its worker died or hangs) is put back in the queue.
   */
  readonly stalledSeconds: number;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const DEFAULT_DATABASE_URLS = {
  CONTROL_DB_URL: 'sqlite:./data/control.sqlite',
  SOURCE_DB_URL: 'sqlite:./data/source.sqlite',
  ARCHIVE_DB_URL: 'sqlite:./data/archive.sqlite',
} as const;

const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** The promise made to admins: a revoked token stops working within 5 s (decision 011). */
export const MAX_TOKEN_CHECK_CACHE_MS = 5000;

const DEFAULT_BODY_LIMIT = '100kb';
const MIN_BODY_LIMIT_BYTES = 1024;
/** Every body DAS accepts is a few kB; megabytes are only ever an attack or a mistake. */
const MAX_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Validates the environment and returns the typed configuration.
 * Collects every problem before failing, so that one boot shows all of them, each naming its variable.
 */
export function buildAppConfig(env: Environment, baseDir: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) {
      return fallback;
    }
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) {
      return fallback;
    }
    if (['true', '1', 'yes', 'on'].includes(raw)) {
      return true;
    }
    if (['false', '0', 'no', 'off'].includes(raw)) {
      return false;
    }
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const cron = (name: string, fallback: string): string => {
    const raw = read(name) ?? fallback;
    try {
      new CronTime(raw, 'UTC');
    } catch (error) {
      problems.push(`${name} is not a valid cron expression ("${raw}"): ${(error as Error).message}`);
    }
    return raw;
  };

  const database = (name: keyof typeof DEFAULT_DATABASE_URLS): ConnectionSettings => {
    const raw = read(name) ?? DEFAULT_DATABASE_URLS[name];
    try {
      return parseDatabaseUrl(raw, baseDir);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return parseDatabaseUrl(DEFAULT_DATABASE_URLS[name], baseDir);
    }
  };

  const encryptionKey = (name: string): Buffer | null => {
    const raw = read(name);
    if (raw === undefined) {
      return null;
    }
    const problem = encryptionKeyProblem(raw);
    if (problem !== null) {
      // Never the value itself: a key that is wrong by one character is still nearly the key.
      problems.push(`${name} ${problem}`);
      return null;
    }
    return Buffer.from(raw, 'base64');
  };

  const nodeEnv = read('NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';

  const logLevel = read('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  const controlDb = database('CONTROL_DB_URL');
  const sourceDb = database('SOURCE_DB_URL');
  const archiveDb = database('ARCHIVE_DB_URL');
  if (sourceDb.engine !== archiveDb.engine) {
    // Archive tables mirror source column types and are verified by checksums computed by each
    // database; both only mean something when the two databases speak the same SQL.
    problems.push(
      `SOURCE_DB_URL and ARCHIVE_DB_URL must use the same engine (got ${sourceDb.engine} and ${archiveDb.engine})`,
    );
  }
  const embeddedDefault = !read('CONTROL_DB_URL') && !read('SOURCE_DB_URL') && !read('ARCHIVE_DB_URL');

  let jwtSecret = read('JWT_SECRET');
  const secretGenerated = jwtSecret === undefined;
  if (isProduction && jwtSecret === undefined) {
    problems.push(
      'JWT_SECRET is required when NODE_ENV=production (tokens would not survive a restart and could not be shared)',
    );
  } else if (isProduction && jwtSecret !== undefined && jwtSecret.length < MIN_PRODUCTION_SECRET_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`);
  }
  jwtSecret ??= randomBytes(48).toString('base64url');

  const expiresRaw = read('JWT_EXPIRES_IN') ?? '1h';
  const expiresInSeconds = parseDuration(expiresRaw);
  if (expiresInSeconds === null) {
    problems.push(`JWT_EXPIRES_IN must be a duration like 3600, 30m, 1h or 7d (got "${expiresRaw}")`);
  }

  const bodyLimit = (read('HTTP_BODY_LIMIT') ?? DEFAULT_BODY_LIMIT).toLowerCase();
  let bodyLimitBytes = parseByteSize(bodyLimit);
  if (bodyLimitBytes === null || bodyLimitBytes < MIN_BODY_LIMIT_BYTES || bodyLimitBytes > MAX_BODY_LIMIT_BYTES) {
    problems.push(`HTTP_BODY_LIMIT must be a size from 1kb to 10mb, like 100kb or 1mb (got "${bodyLimit}")`);
    bodyLimitBytes = null;
  }

  const adminUsername = read('ADMIN_USERNAME');
  const adminPassword = read('ADMIN_PASSWORD');
  if ((adminUsername === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('ADMIN_PASSWORD must be at least 8 characters');
  }

  const sourceReplicas = (read('SOURCE_REPLICA_URLS') ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '')
    .flatMap((url, index): MysqlConnectionSettings[] => {
      try {
        const settings = parseDatabaseUrl(url, baseDir);
        if (settings.engine !== 'mysql') {
          problems.push(`SOURCE_REPLICA_URLS: replica ${index + 1} must be a mysql:// or mariadb:// URL`);
          return [];
        }
        return [settings];
      } catch (error) {
        problems.push(`SOURCE_REPLICA_URLS: replica ${index + 1}: ${(error as Error).message}`);
        return [];
      }
    });
  if (sourceReplicas.length > 0 && sourceDb.engine !== 'mysql') {
    problems.push('SOURCE_REPLICA_URLS needs a MySQL/MariaDB SOURCE_DB_URL (SQLite has no replicas)');
  }
  const windowText = read('RUN_WINDOW');
  let runWindow: RunWindow | null = null;
  if (windowText !== undefined) {
    const parsed = RunWindow.parse(windowText);
    if (typeof parsed === 'string') {
      problems.push(`RUN_WINDOW: ${parsed}`);
    } else {
      runWindow = parsed;
    }
  }

  const appRole = (read('APP_ROLE') ?? 'all').toLowerCase();
  if (!(APP_ROLES as readonly string[]).includes(appRole)) {
    problems.push(`APP_ROLE must be one of ${APP_ROLES.join(', ')} (got "${appRole}")`);
  }
  const redisUrl = read('REDIS_URL');
  let redis: RedisSettings | null = null;
  if (redisUrl !== undefined) {
    try {
      redis = parseRedisUrl(redisUrl);
    } catch (error) {
      problems.push(`REDIS_URL ${(error as Error).message}`);
    }
  }

  const metricsToken = read('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && /\s/.test(metricsToken)) {
    problems.push('METRICS_TOKEN must not contain whitespace (it is sent as "Authorization: Bearer <token>")');
  } else if (isProduction && metricsToken !== null && metricsToken.length < MIN_PRODUCTION_SECRET_LENGTH) {
    // Whoever has it reads table names and row counts; it must not be guessable.
    problems.push(`METRICS_TOKEN must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`);
  }

  const execution = (read('JOB_EXECUTION') ?? 'inline').toLowerCase();
  if (!EXECUTION_MODES.includes(execution as ExecutionMode)) {
    problems.push(`JOB_EXECUTION must be one of ${EXECUTION_MODES.join(', ')} (got "${execution}")`);
  } else if (!AVAILABLE_EXECUTION_MODES.includes(execution as ExecutionMode)) {
    problems.push(
      `JOB_EXECUTION=${execution} is not available in this build (available: ${AVAILABLE_EXECUTION_MODES.join(', ')})`,
    );
  }

  if (execution === 'queue' && redis === null && redisUrl === undefined) {
    problems.push('JOB_EXECUTION=queue needs REDIS_URL (e.g. redis://redis:6379), where the job queue lives');
  }
  if (appRole !== 'all' && execution !== 'queue' && (APP_ROLES as readonly string[]).includes(appRole)) {
    // Without a queue there is nothing for a worker to take, and an API-only process would run jobs all the same.
    problems.push(`APP_ROLE=${appRole} needs JOB_EXECUTION=queue (other modes run every role in one process)`);
  }
  const outOfMemoryTable = read('DAS_TEST_JOB_PROCESS_OOM_TABLE') ?? null;
  if (outOfMemoryTable !== null && nodeEnv !== 'test') {
    problems.push('DAS_TEST_JOB_PROCESS_OOM_TABLE is a test hook and is refused unless NODE_ENV=test');
  }

  const config = new AppConfig({
    nodeEnv,
    isProduction,
    baseDir,
    port: integer('PORT', 3000, 0, 65535),
    logLevel,
    controlDb,
    sourceDb,
    archiveDb,
    embeddedDefault,
    seedSampleData: !read('SOURCE_DB_URL'),
    jwt: {
      secret: jwtSecret,
      secretGenerated,
      expiresInSeconds: expiresInSeconds ?? 3600,
      checkCacheMs: integer('TOKEN_CHECK_CACHE_MS', MAX_TOKEN_CHECK_CACHE_MS, 0, MAX_TOKEN_CHECK_CACHE_MS),
    },
    http: {
      bodyLimitBytes: bodyLimitBytes ?? (parseByteSize(DEFAULT_BODY_LIMIT) as number),
      bodyLimit: bodyLimitBytes === null ? DEFAULT_BODY_LIMIT : bodyLimit,
      exportMaxRows: integer('EXPORT_MAX_ROWS', 100_000, 1, 10_000_000),
    },
    allowSignup: boolean('ALLOW_SIGNUP', true),
    bootstrapAdmin: adminUsername && adminPassword ? { username: adminUsername, password: adminPassword } : null,
    scheduler: {
      enabled: boolean('SCHEDULER_ENABLED', true),
      archivalCron: cron('ARCHIVAL_JOB_CRON', '0 2 * * *'),
      purgeCron: cron('PURGE_JOB_CRON', '0 3 * * *'),
    },
    archiveBatchSize: integer('ARCHIVE_BATCH_SIZE', 1000, 1, 50000),
    archiveBatchTargetMs: integer('ARCHIVE_BATCH_TARGET_MS', 0, 0, 60000),
    archiveLanes: integer('ARCHIVE_LANES', 1, 1, MAX_LANES),
    jobLeaseTtlSeconds: integer('JOB_LEASE_TTL_SECONDS', 120, 1, 86400),
    authRateLimitPerMinute: integer('AUTH_RATE_LIMIT_PER_MINUTE', 10, 1, 100000),
    databaseConnectAttempts: integer('DB_CONNECT_ATTEMPTS', 9, 1, 1000),
    sessionLimits: {
      lockWaitSeconds: integer('ARCHIVE_LOCK_WAIT_SECONDS', 10, 1, 3600),
      statementTimeoutSeconds: integer('ARCHIVE_STATEMENT_TIMEOUT_SECONDS', 120, 1, 86400),
    },
    shutdownGraceSeconds: integer('SHUTDOWN_GRACE_SECONDS', 20, 1, 3600),
    runStallSeconds: integer('RUN_STALL_SECONDS', 300, 2, 86400),
    sourceReplicas,
    throttle: {
      maxReplicaLagSeconds: integer('MAX_REPLICA_LAG_SECONDS', 10, 0, 86400),
      maxThreadsRunning: integer('MAX_THREADS_RUNNING', 0, 0, 100000),
      runWindow,
    },
    encryptionKey: encryptionKey('ENCRYPTION_KEY'),
    newEncryptionKey: encryptionKey('NEW_ENCRYPTION_KEY'),
    // Passwords are taken as given: surrounding spaces may be part of them.
    connectionPassword:
      env.CONNECTION_PASSWORD === undefined || env.CONNECTION_PASSWORD === '' ? null : env.CONNECTION_PASSWORD,
    connectionPoolLimit: integer('CONNECTION_POOL_LIMIT', 4, 1, 64),
    connectionIdleSeconds: integer('CONNECTION_IDLE_SECONDS', 300, 1, 86400),
    metrics: {
      enabled: boolean('METRICS_ENABLED', true),
      token: metricsToken,
      backlogIntervalSeconds: integer('METRICS_BACKLOG_INTERVAL_SECONDS', 300, 0, 86400),
      backlogMaxRows: integer('METRICS_BACKLOG_MAX_ROWS', 1_000_000, 1000, 1_000_000_000),
    },
    jobs: {
      execution: AVAILABLE_EXECUTION_MODES.includes(execution as ExecutionMode)
        ? (execution as ExecutionMode)
        : 'inline',
      concurrency: integer('JOB_CONCURRENCY', 2, 1, 64),
      timeoutSeconds: integer('JOB_TIMEOUT_SECONDS', 86400, 10, 7 * 86400),
      processHeapMb: integer('JOB_PROCESS_HEAP_MB', 0, 0, 65536),
      testOutOfMemoryTable: nodeEnv === 'test' ? outOfMemoryTable : null,
    },
    appRole: (APP_ROLES as readonly string[]).includes(appRole) ? (appRole as AppRole) : 'all',
    queue: {
      redis,
      attempts: integer('QUEUE_JOB_ATTEMPTS', 3, 1, 20),
      stalledSeconds: integer('QUEUE_STALLED_SECONDS', 30, 2, 3600),
    },
  });
  const { lockWaitSeconds, statementTimeoutSeconds } = config.sessionLimits;
  if (config.runStallSeconds <= Math.max(lockWaitSeconds, statementTimeoutSeconds)) {
    // The watchdog would kill a statement before its own limit could end it with a clearer error.
    problems.push(
      `RUN_STALL_SECONDS (${config.runStallSeconds}) must be greater than ARCHIVE_LOCK_WAIT_SECONDS ` +
        `(${lockWaitSeconds}) and ARCHIVE_STATEMENT_TIMEOUT_SECONDS (${statementTimeoutSeconds})`,
    );
  }

  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }
  return config;
}

/** Bytes of an AES-256 key. */
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * Why a base64 text is not a usable AES-256 key, or null when it is: 32 bytes, and not a
 * placeholder such as 32 zero bytes (a key anyone can guess protects nothing).
 */
export function encryptionKeyProblem(raw: string): string | null {
  const hint = '(make one with: openssl rand -base64 32)';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    return `must be ${ENCRYPTION_KEY_BYTES} random bytes in base64 ${hint}`;
  }
  const key = Buffer.from(raw, 'base64');
  if (key.length !== ENCRYPTION_KEY_BYTES) {
    return `must be ${ENCRYPTION_KEY_BYTES} random bytes in base64, got ${key.length} bytes ${hint}`;
  }
  if (new Set(key).size < 8) {
    return `is not random (it repeats a few byte values) ${hint}`;
  }
  return null;
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `2048`, `512b`, `100kb`, `1mb` → bytes (1024-based, as body-parser counts); null when malformed. */
export function parseByteSize(raw: string): number | null {
  const match = /^(\d{1,9})\s*(b|kb|mb)?$/i.exec(raw.trim());
  return match ? Number(match[1]) * BYTE_UNITS[(match[2] ?? 'b').toLowerCase()] : null;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `45s`, `30m`, `1h`, `7d` → seconds; null when malformed or not positive. */
export function parseDuration(raw: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(raw.trim());
  if (!match) {
    return null;
  }
  const seconds = Number(match[1]) * DURATION_UNITS[(match[2] || 's').toLowerCase()];
  return seconds > 0 ? seconds : null;
}
