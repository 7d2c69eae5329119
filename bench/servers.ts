import { ThrowawayMariaDb, startThrowawayMariaDb } from '../tools/throwaway-mariadb';
import { ServerRef, sameServer, serverFromUrl } from './db';
import { Topology } from './movers/mover';
import { BenchOptions } from './options';

/**
 * The settings of shared/bench/mariadb.sh, on top of the throwaway server's own (which already has
 * skip-log-bin, local_infile=ON for pt-archiver's LOAD DATA, utf8mb4): durable commits, a 1G buffer
 * pool that holds a 1M-row table, a redo log big enough that checkpoints do not throttle an
 * 800k-row move, doublewrite on. Later lines of the option file win, so these override its defaults.
 */
export const BENCH_SERVER_OPTIONS = {
  flushLogAtTrxCommit: 1,
  bufferPoolSize: '1G',
  rootPassword: 'das-bench',
  extraSettings: ['innodb_log_file_size=512M', 'innodb_doublewrite=ON', 'max_connections=200'],
} as const;

export interface Endpoint {
  server: ServerRef;
  database: string;
}

export interface BenchServers {
  source: Endpoint;
  /** Where the archive database lives in each topology that is run. */
  archive: Partial<Record<Topology, Endpoint>>;
  topologies: Topology[];
  /** Throwaway servers this process started (and will stop), or none with --source-url. */
  throwaway: boolean;
  stop(): Promise<void>;
}

const SOURCE_DB = 'bench_source';
const ARCHIVE_DB = 'bench_archive';

function fromThrowaway(db: ThrowawayMariaDb, label: string): ServerRef {
  return { label, host: db.host, port: db.port, user: db.user, password: db.password };
}

/**
 * Throwaway servers under /tmp: A holds the source (and, in the one-server topology, the archive);
 * B, started only for the two-server topology, holds the archive there. Or existing servers given
 * by URL, in which case the topology follows from the URLs.
 */
export async function provideServers(
  options: BenchOptions,
  log: (line: string) => void,
  /** Told about each server as soon as it is up, so an interrupted start-up can still stop it. */
  track: (stop: () => Promise<void>) => void = () => undefined,
): Promise<BenchServers> {
  if (options.sourceUrl) {
    const source = serverFromUrl(options.sourceUrl, 'source');
    const archive = options.archiveUrl
      ? serverFromUrl(options.archiveUrl, 'archive')
      : { server: source.server, database: ARCHIVE_DB };
    const topology: Topology = sameServer(source.server, archive.server) ? 'same' : 'two';
    log(`using existing servers: topology ${topology} (from the URLs)`);
    return {
      source: { server: source.server, database: source.database || SOURCE_DB },
      archive: { [topology]: { server: archive.server, database: archive.database || ARCHIVE_DB } },
      topologies: [topology],
      throwaway: false,
      stop: async () => undefined,
    };
  }
  const started: ThrowawayMariaDb[] = [];
  const stop = async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  };
  try {
    const start = async (label: string) => {
      const db = await startThrowawayMariaDb({ ...BENCH_SERVER_OPTIONS, parentDir: '/tmp' });
      started.push(db);
      track(() => db.stop());
      log(`server ${label}: throwaway MariaDB on 127.0.0.1:${db.port} (${db.dir})`);
      return fromThrowaway(db, label);
    };
    const a = await start('A');
    const b = options.topologies.includes('two') ? await start('B') : undefined;
    const archive: Partial<Record<Topology, Endpoint>> = {};
    if (options.topologies.includes('same')) {
      archive.same = { server: a, database: ARCHIVE_DB };
    }
    if (b) {
      archive.two = { server: b, database: ARCHIVE_DB };
    }
    return {
      source: { server: a, database: SOURCE_DB },
      archive,
      topologies: options.topologies,
      throwaway: true,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
