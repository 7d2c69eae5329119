import { SqlSession } from '../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, rollbackQuietly } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { VerificationError } from './engine-errors';
import { SqlFragment } from './row-selection';

/** A batch's keys, read and locked on one session, its transaction still open. */
interface LockedKeys {
  number: number;
  session: SqlSession;
  keys: unknown[][];
}

/**
 * The protocol when source and archive live on the same MySQL/MariaDB server: the copy is an
 * `INSERT … SELECT` inside the server, and copy, verification and delete share ONE transaction, so
 * a batch is moved atomically and no row ever travels through this process.
 *
 * With two sessions, the next batch's keys are read and locked on the other session while the
 * current batch commits (only once its delete has run: until then the delete's index scan may
 * still look at the row just after the batch, which the next read would lock). `next()` returns a
 * batch once committed; a batch read ahead is rolled back by `close()`.
 */
export class ServerSideMover implements BatchMover {
  private batchNumber = 0;
  private reads = 0;
  /** Rows the last `next()` asked for: the batch read ahead is read with it. */
  private limit = 0;
  private prefetched: Promise<LockedKeys | null> | null = null;

  /** @param sessions one, or two to read the next batch while the current one commits */
  constructor(
    private readonly statements: BatchStatements,
    private readonly sessions: readonly SqlSession[],
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly hooks: ArchivalHooks = {},
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    this.limit = limit;
    const s = this.statements;
    const pending = this.prefetched;
    this.prefetched = null;
    try {
      const batch = await (pending ?? this.read(s.nextBatch(s.keysOnly, after, limit)));
      return batch && (await this.move(batch, true));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Releases a batch read ahead (its rows stay where they are). */
  async close(): Promise<void> {
    const pending = this.prefetched;
    this.prefetched = null;
    const batch = await pending?.catch(() => null);
    if (batch) {
      await rollbackQuietly(batch.session);
    }
  }

  async only(keys: readonly unknown[][]): Promise<MovedBatch> {
    await this.close();
    const batch = await this.read(this.statements.keyedBatch(this.statements.keysOnly, keys));
    return batch ? this.move(batch, false) : { moved: 0, keys: [] };
  }

  /** Opens a transaction on the next session in turn (which holds none) and locks the batch's rows. */
  private async read(select: SqlFragment): Promise<LockedKeys | null> {
    const session = this.sessions[this.reads++ % this.sessions.length];
    await session.begin();
    try {
      const keys = await session.queryArrays(select.sql, select.params);
      if (keys.length === 0) {
        await session.rollback();
        return null;
      }
      const batch = { number: ++this.batchNumber, session, keys };
      await this.hooks.afterRead?.(batch.number, keys);
      return batch;
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
  }

  private async move({ number, session, keys }: LockedKeys, readAhead: boolean): Promise<MovedBatch> {
    const s = this.statements;
    try {
      const copy = s.upsertSelect(keys, this.archivedAt(), this.runId);
      await session.execute(copy.sql, copy.params);
      await this.verify(session, keys);
      await deleteCopiedRows(session, s, keys);
      if (readAhead && this.sessions.length > 1) {
        this.prefetched = this.read(s.nextBatch(s.keysOnly, keys[keys.length - 1], this.limit));
        // A failed read-ahead surfaces when the next batch is asked for, not as this batch's failure.
        this.prefetched.catch(() => undefined);
      }
      // One commit covers both tables: there is no window between an archive and a source commit.
      await this.hooks.afterArchiveCommit?.(number, keys);
      await session.commit();
      return { moved: keys.length, keys };
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
  }

  /** Every key of the batch must have an archive row identical to its source row, column by column. */
  private async verify(session: SqlSession, keys: unknown[][]): Promise<void> {
    const query = this.statements.identicalCopies(keys);
    const [row] = await session.query<{ n: unknown }>(query.sql, query.params);
    const identical = Number(row.n);
    if (identical !== keys.length) {
      throw new VerificationError(
        `verification failed: only ${identical} of ${keys.length} archived rows are identical to the source rows; nothing was deleted`,
      );
    }
  }
}
