/**
 * A throwaway Redis server for tests: its own directory and free port under a temporary directory,
 * started as a plain background process (no Docker, no system service) and removed on stop.
 * Restartable on the same port and data, for the tests that take Redis away mid-run.
 * Needs `redis-server` (Debian: apt-get install redis-server).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './throwaway-mariadb';

export interface ThrowawayRedis {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SHUTDOWN SAVE through SIGTERM) and removes its files. */
  stop(): Promise<void>;
  /**
   * Stops the server cleanly (it saves its data first, as a Redis with persistence does) and starts
   * it again on the same port and data after `downMs`. `whileDown` runs in between.
   */
  restart(options?: { downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
  /** Whether the server answers PING now. */
  isUp(): Promise<boolean>;
}

const SEARCH_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

export function findRedisServer(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SEARCH_DIRS]) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) {
      return candidate;
    }
  }
  return null;
}

export function redisInstalled(): boolean {
  return findRedisServer() !== null;
}

export async function startThrowawayRedis(
  options: { parentDir?: string; port?: number } = {},
): Promise<ThrowawayRedis> {
  const binary = findRedisServer();
  if (!binary) {
    throw new Error('redis-server is not installed (Debian: apt-get install -y redis-server)');
  }
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'das-redis-'));
  const port = options.port ?? (await freePort());
  const conf = join(dir, 'redis.conf');
  const log = join(dir, 'redis.log');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode yes',
      `dir ${dir}`,
      `logfile ${log}`,
      'daemonize no',
      // What BullMQ needs of a production Redis: no key is ever evicted, and the data survives a
      // restart (AOF, fsync every second, as BullMQ's production guide recommends).
      'maxmemory-policy noeviction',
      'appendonly yes',
      'appendfsync everysec',
      'save ""',
      '',
    ].join('\n'),
  );
  const server = new RedisProcess(binary, conf, log);
  const redis: ThrowawayRedis = {
    host: '127.0.0.1',
    port,
    dir,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async ({ downMs = 0, whileDown } = {}) => {
      await server.stop();
      await whileDown?.();
      await sleep(downMs);
      await server.start(() => ping(port));
    },
    isUp: () => ping(port),
  };
  try {
    await server.start(() => ping(port));
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return redis;
}

/** The redis-server process: started detached, stopped with SIGTERM (Redis saves and exits cleanly). */
class RedisProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly binary: string,
    private readonly conf: string,
    private readonly log: string,
  ) {}

  /** Spawns it and resolves once it answers PING (at most 30 s). */
  async start(ready: () => Promise<boolean>): Promise<void> {
    const child = spawn(this.binary, [this.conf], { detached: true, stdio: 'ignore' });
    child.unref();
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`redis-server exited during startup (code ${child.exitCode}): ${tail(this.log)}`);
      }
      if (await ready()) {
        return;
      }
      await sleep(50);
    }
    throw new Error(`redis-server did not answer PING within 30 s: ${tail(this.log)}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 20_000);
      });
      await Promise.race([this.exited, killed]);
      clearTimeout(timer);
      await this.exited;
    }
    this.child = null;
  }
}

/** PING over a raw socket, answered within a second or taken as down. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
