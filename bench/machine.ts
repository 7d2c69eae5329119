import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { Connection } from 'mysql2/promise';
import { ServerRef } from './db';
import { ptArchiverVersion } from './movers/pt-archiver';

/** A server's version and the settings the figures depend on, as the server reports them. */
export interface ServerFacts {
  label: string;
  host: string;
  port: number;
  version: string;
  flushLogAtTrxCommit: string;
  bufferPoolSize: string;
  logFileSize: string;
  doublewrite: string;
  logBin: string;
  localInfile: string;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  kernel: string;
  node: string;
  ptArchiver: string | null;
  gitCommit: string | null;
  servers: ServerFacts[];
  throwawayServers: boolean;
  dasRuntime: string | null;
}

export async function serverFacts(conn: Connection, server: ServerRef): Promise<ServerFacts> {
  const [rows] = await conn.query(
    `SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS flushLogAtTrxCommit,
            @@innodb_buffer_pool_size AS bufferPoolSize, @@innodb_log_file_size AS logFileSize,
            @@innodb_doublewrite AS doublewrite, @@log_bin AS logBin, @@local_infile AS localInfile`,
  );
  const facts = (rows as Array<Record<string, string | number>>)[0];
  return {
    label: server.label,
    host: server.host,
    port: server.port,
    ...(Object.fromEntries(Object.entries(facts).map(([key, value]) => [key, String(value)])) as Omit<
      ServerFacts,
      'label' | 'host' | 'port'
    >),
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

export async function machineInfo(
  servers: ServerFacts[],
  throwawayServers: boolean,
  dasRuntime: string | null,
): Promise<MachineInfo> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    totalMemoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ptArchiver: await ptArchiverVersion(),
    gitCommit: gitCommit(),
    servers,
    throwawayServers,
    dasRuntime,
  };
}
