/**
 * A throwaway MariaDB server for tests and benchmarks: its own datadir, socket and free port under a
 * temporary directory, started as a plain background process and removed on stop. No Docker, no
 * system service. Needs `mariadbd` and `mariadb-install-db` (Debian: apt-get install mariadb-server).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

export interface ThrowawayMariaDbOptions {
  /** Parent directory of the server's files (default: the OS temp dir). */
  parentDir?: string;
  /** TCP port; a free one is picked when omitted. */
  port?: number;
  rootPassword?: string;
  bufferPoolSize?: string;
  /** 1 = durable commits (benchmarks); 2 = flush once a second (tests, faster). */
  flushLogAtTrxCommit?: 0 | 1 | 2;
  /** Extra `key=value` lines for the [mariadbd] section. */
  extraSettings?: readonly string[];
  /**
   * Write a binary log (ROW format) with this server id, so that the server can be a replication
   * primary (or a replica: every server of a replication needs its own id). Off by default.
   */
  serverId?: number;
}

export interface ThrowawayMariaDb {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly socket: string;
  readonly dir: string;
  /** `mysql://root:…@127.0.0.1:port/<database>` */
  url(database: string): string;
  /** Stops the server (SIGTERM, a clean shutdown) and removes its files. */
  stop(): Promise<void>;
  /** Stops the server cleanly and starts it again on the same port and data (fault tests). */
  restart(options?: { downMs?: number }): Promise<void>;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];

export function findMariaDbBinary(...names: string[]): string | null {
  for (const name of names) {
    for (const dir of [...(process.env.PATH ?? '').split(':'), ...SEARCH_DIRS]) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return null;
}

export function mariaDbInstalled(): boolean {
  return (
    findMariaDbBinary('mariadbd', 'mysqld') !== null &&
    findMariaDbBinary('mariadb-install-db', 'mysql_install_db') !== null
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startThrowawayMariaDb(options: ThrowawayMariaDbOptions = {}): Promise<ThrowawayMariaDb> {
  const server = findMariaDbBinary('mariadbd', 'mysqld');
  const installDb = findMariaDbBinary('mariadb-install-db', 'mysql_install_db');
  if (!server || !installDb) {
    throw new Error('mariadbd is not installed (Debian: apt-get install -y mariadb-server)');
  }
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'das-mariadb-'));
  const port = options.port ?? (await freePort());
  const password = options.rootPassword ?? 'das-test-root';
  const socket = join(dir, 'mysqld.sock');
  const cnf = join(dir, 'my.cnf');
  const initSql = join(dir, 'init.sql');
  const quoted = password.replace(/\\/g, '\\\\').replace(/'/g, "''");
  writeFileSync(
    initSql,
    [
      `CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '${quoted}';`,
      `ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '${quoted}';`,
      `GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;`,
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(
    cnf,
    [
      '[mariadbd]',
      ...(process.getuid?.() === 0 ? ['user=root'] : []),
      `datadir=${join(dir, 'data')}`,
      `tmpdir=${dir}`,
      `socket=${socket}`,
      `pid-file=${join(dir, 'mysqld.pid')}`,
      `log-error=${join(dir, 'mysqld.err')}`,
      `port=${port}`,
      'bind-address=127.0.0.1',
      'skip-name-resolve',
      `init-file=${initSql}`,
      'character-set-server=utf8mb4',
      'collation-server=utf8mb4_general_ci',
      'max_connections=300',
      'max_allowed_packet=64M',
      'local_infile=ON',
      ...(options.serverId === undefined
        ? ['skip-log-bin']
        : [`server-id=${options.serverId}`, 'log-bin=mariadb-bin', 'binlog_format=ROW']),
      'performance_schema=OFF',
      `innodb_buffer_pool_size=${options.bufferPoolSize ?? '256M'}`,
      'innodb_log_file_size=256M',
      `innodb_flush_log_at_trx_commit=${options.flushLogAtTrxCommit ?? 2}`,
      ...(options.extraSettings ?? []),
      '',
    ].join('\n'),
  );
  await promisify(execFile)(
    installDb,
    [`--defaults-file=${cnf}`, '--skip-test-db', '--auth-root-authentication-method=normal'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`mariadb-install-db failed: ${error.stderr ?? error.message}`);
  });

  const mariadbd = new ServerProcess(server, cnf, join(dir, 'mysqld.err'));
  const db: ThrowawayMariaDb = {
    host: '127.0.0.1',
    port,
    user: 'root',
    password,
    socket,
    dir,
    url: (database) => `mysql://root:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await mariadbd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async ({ downMs = 0 } = {}) => {
      await mariadbd.stop();
      await sleep(downMs);
      await mariadbd.start(() => canConnect(port, password));
    },
  };
  try {
    await mariadbd.start(() => canConnect(port, password));
  } catch (error) {
    await db.stop();
    throw error;
  }
  return db;
}

/** The mariadbd process of a throwaway server: started detached, stopped with a clean shutdown. */
class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    private readonly binary: string,
    private readonly cnf: string,
    private readonly errorLog: string,
  ) {}

  /** Spawns it and resolves once `ready` says it accepts connections (at most 120 s). */
  async start(ready: () => Promise<boolean>): Promise<void> {
    const child = spawn(this.binary, [`--defaults-file=${this.cnf}`], { detached: true, stdio: 'ignore' });
    child.unref();
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`mariadbd exited during startup (code ${child.exitCode}); see ${this.errorLog}`);
      }
      if (await ready()) {
        return;
      }
      await sleep(250);
    }
    throw new Error(`mariadbd did not accept connections within 120 s; see ${this.errorLog}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
      clearTimeout(timer);
    }
    this.child = null;
  }
}

async function canConnect(port: number, password: string): Promise<boolean> {
  try {
    const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', password });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
