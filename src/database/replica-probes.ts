import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool, createPool } from 'mysql2';
import type { ReplicaProbe } from '../archive/engine/throttle';
import { AppConfig } from '../config/app-config';
import { MysqlConnectionSettings } from '../config/database-url';
import { mysqlDataPoolOptions } from './mysql-pool-options';

/** A replica that does not answer within this long counts as lagging for that check. */
const REPLICA_TIMEOUT_MS = 3_000;

/** Connections a replica probe keeps open when idle (it asks at most once a second). */
const IDLE_CLOSE_MS = 60_000;

/**
 * Reads one replica's status through a pool of a single connection: `SHOW ALL SLAVES STATUS`
 * (MariaDB: every replication channel), else `SHOW REPLICA STATUS` (MySQL 8.0.22+), else the older
 * `SHOW SLAVE STATUS`. Needs REPLICATION CLIENT (MariaDB: SLAVE MONITOR) on the replica.
 */
export class MysqlReplicaProbe implements ReplicaProbe {
  readonly name: string;
  private pool: Pool | null = null;
  private statement: string | null = null;

  constructor(private readonly settings: MysqlConnectionSettings) {
    this.name = `${settings.host}:${settings.port}`;
  }

  async status(): Promise<Array<Record<string, unknown>>> {
    if (this.statement) {
      return this.query(this.statement);
    }
    let lastError: unknown;
    for (const statement of ['SHOW ALL SLAVES STATUS', 'SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
      try {
        const rows = await this.query(statement);
        this.statement = statement;
        return rows;
      } catch (error) {
        lastError = error;
        if ((error as { fatal?: boolean }).fatal || !isSyntaxError(error)) {
          throw error;
        }
      }
    }
    throw lastError;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await new Promise<void>((resolve) => (pool ? pool.end(() => resolve()) : resolve()));
  }

  private query(sql: string): Promise<Array<Record<string, unknown>>> {
    this.pool ??= createPool({
      ...mysqlDataPoolOptions(this.settings),
      connectionLimit: 1,
      maxIdle: 0,
      idleTimeout: IDLE_CLOSE_MS,
      connectTimeout: REPLICA_TIMEOUT_MS,
    });
    return new Promise((resolve, reject) =>
      (this.pool as Pool).query({ sql, timeout: REPLICA_TIMEOUT_MS }, (error, rows) =>
        error ? reject(error) : resolve(rows as Array<Record<string, unknown>>),
      ),
    );
  }
}

function isSyntaxError(error: unknown): boolean {
  // ER_PARSE_ERROR: the server does not know this spelling.
  return (error as { errno?: number }).errno === 1064;
}

/** The replicas watched for each source connection (today: the env-configured `source`). */
@Injectable()
export class ReplicaProbes implements OnModuleDestroy {
  private readonly sourceReplicas: readonly MysqlReplicaProbe[];

  constructor(config: AppConfig) {
    this.sourceReplicas = config.sourceReplicas.map((settings) => new MysqlReplicaProbe(settings));
  }

  /** The replicas of the env-configured source (SOURCE_REPLICA_URLS). */
  ofSource(): readonly ReplicaProbe[] {
    return this.sourceReplicas;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.sourceReplicas.map((probe) => probe.close()));
  }
}
