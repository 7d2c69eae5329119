import type { Socket } from 'node:net';
import type { PoolConnection } from 'mysql2';
import { SessionLimits } from './sql-client';

/** Longest blocking statement quoted in a message: enough to recognise it, not a data dump. */
const MAX_QUOTED_STATEMENT = 200;

/** How long a side connection (to ask about a lock wait, or to kill a session) may take to get. */
const SIDE_CONNECTION_TIMEOUT_MS = 3_000;

interface BlockerRow {
  thread: number | string;
  user: string | null;
  host: string | null;
  rows_locked: number | string;
  query: string | null;
}

/**
 * Who holds the row locks a session waits for (MariaDB's information_schema, MySQL 8's sys schema;
 * both need the PROCESS privilege to see other users' transactions). One side query per server
 * flavour, the first that works.
 */
const BLOCKER_QUERIES = [
  `SELECT b.trx_mysql_thread_id AS thread, p.USER AS user, p.HOST AS host, b.trx_rows_locked AS rows_locked,
          b.trx_query AS query
     FROM information_schema.INNODB_LOCK_WAITS w
     JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
     JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
     LEFT JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id
    WHERE r.trx_mysql_thread_id = ?`,
  `SELECT w.blocking_pid AS thread, NULL AS user, NULL AS host, w.blocking_trx_rows_locked AS rows_locked,
          w.blocking_query AS query
     FROM sys.innodb_lock_waits w WHERE w.waiting_pid = ?`,
];

/** A statement being watched for lock waits; `explain` adds what was learnt to its error. */
export interface LockWatch {
  stop(): void;
  explain<E>(error: E): E;
}

/** A driver error that may carry what the server said about the lock it waited for. */
export interface LockWaitError {
  errno?: number;
  /** Who held the lock, as the server told it while the statement waited (absent: it did not tell). */
  blockedBy?: string;
}

/**
 * Side questions about a pool's sessions, each on a connection of its own: who blocks a session
 * that waits for a lock, and killing a session on the server so that its transaction rolls back
 * now rather than when its wait or statement limit runs out.
 */
export class LockWaitInspector {
  /** After this long in one statement, a session inside a transaction asks who holds its locks. */
  private readonly watchAfterMs: number;

  constructor(
    private readonly connect: () => Promise<PoolConnection>,
    limits: SessionLimits,
  ) {
    this.watchAfterMs = Math.min(2_000, (limits.lockWaitSeconds * 1000) / 2);
  }

  watch(threadId: number | null): LockWatch {
    let blockedBy: string | undefined;
    const timer =
      threadId === null
        ? undefined
        : setTimeout(() => {
            void this.blockerOf(threadId).then((found) => (blockedBy = found ?? blockedBy));
          }, this.watchAfterMs);
    timer?.unref();
    return {
      stop: () => clearTimeout(timer),
      explain: <E>(error: E): E => {
        if (blockedBy && typeof error === 'object' && error !== null) {
          (error as LockWaitError).blockedBy = blockedBy;
        }
        return error;
      },
    };
  }

  /**
   * Ends a session now: `KILL CONNECTION` on the server (a user may always kill its own sessions),
   * which rolls its transaction back and closes the connection, so that the statement in flight
   * fails here too. If no side connection can be had, the socket is cut as a network error: the
   * statement in flight fails here at once, and the server rolls back once it notices (at the latest
   * when the statement's wait runs out). Never mysql2's `destroy()` while a statement is in flight:
   * it closes quietly and leaves that statement's callback pending for ever.
   */
  async kill(connection: PoolConnection): Promise<void> {
    const threadId = connection.threadId;
    try {
      if (threadId === null) {
        throw new Error('the session has no server thread id');
      }
      await this.onSideConnection((side) => query(side, 'KILL CONNECTION ?', [threadId]));
    } catch {
      (connection as unknown as { stream: Socket }).stream.destroy(
        new Error('the session was ended: its job was terminated'),
      );
    }
  }

  private async blockerOf(threadId: number): Promise<string | null> {
    try {
      return await this.onSideConnection(async (side) => {
        for (const sql of BLOCKER_QUERIES) {
          try {
            const rows = (await query(side, sql, [threadId])) as BlockerRow[];
            return rows.length > 0 ? rows.map(describeBlocker).join('; ') : null;
          } catch {
            // Not this server's flavour, or not allowed: try the next.
          }
        }
        return null;
      });
    } catch {
      return null;
    }
  }

  private async onSideConnection<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no side connection')), SIDE_CONNECTION_TIMEOUT_MS);
    });
    const side = this.connect();
    try {
      const connection = await Promise.race([side, deadline]);
      try {
        return await Promise.race([work(connection), deadline]);
      } finally {
        connection.release();
      }
    } catch (error) {
      // A connection that arrives after the deadline goes straight back.
      void side.then((late) => late.release()).catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeBlocker(row: BlockerRow): string {
  const who = row.user ? ` (${row.user}@${row.host ?? '?'})` : '';
  const statement = row.query
    ? `running: ${row.query.replace(/\s+/g, ' ').slice(0, MAX_QUOTED_STATEMENT)}`
    : 'idle in its transaction';
  return `session ${row.thread}${who}, holding ${row.rows_locked} row locks, ${statement}`;
}

function query(connection: PoolConnection, sql: string, params: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    connection.query({ sql, values: params, timeout: SIDE_CONNECTION_TIMEOUT_MS }, (error, rows) =>
      error ? reject(error) : resolve(rows),
    ),
  );
}
