import { SqlSession } from '../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, rollbackQuietly } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { VerificationError } from './engine-errors';
import { SqlFragment } from './row-selection';

/** A batch whose rows are locked in its session's transaction; `moved` copies, verifies and deletes them. */
interface LockedBatch {
  number: number;
  session: SqlSession;
  keys: unknown[][];
  /** Copy, verification and delete, still uncommitted; the batch is committed once this settles. */
  moved: Promise<void>;
}

/**
 * The protocol when source and archive live on the same MySQL/MariaDB server: the copy is an
 * `INSERT … SELECT` inside the server, and copy, verification and delete share ONE transaction, so
 * a batch is moved atomically and no row ever travels through this process.
 *
 * With two sessions (pipelined), the next batch is locked, copied, verified and deleted on the
 * other session while the current one is: as soon as a batch's keys are known, the batch after it
 * starts. The two touch disjoint rows (the delete reads no row past its batch's last key, see
 * KeyColumns.matchingWithinBatch), and the server works on both at once. What is committed when is
 * unchanged: each batch commits only after its own verification passed and its delete removed
 * exactly its keys, batches commit in key order, and `next()` returns a batch once it is committed.
 * The batch behind it is still open, and rolled back by `close()` if the run stops there.
 */
export class ServerSideMover implements BatchMover {
  private batchNumber = 0;
  private begun = 0;
  /** The batch after the last one returned, under way on the other session (pipelined only). */
  private ahead: Promise<LockedBatch | null> | null = null;

  /** @param sessions one; or two, used in turn, to move the next batch while the current one finishes */
  constructor(
    private readonly statements: BatchStatements,
    private readonly sessions: readonly SqlSession[],
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly hooks: ArchivalHooks = {},
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    const s = this.statements;
    const ahead = this.ahead;
    this.ahead = null;
    let current: LockedBatch | null;
    try {
      current = await (ahead ?? this.begin(s.nextBatch(s.keysOnly, after, limit)));
    } catch (error) {
      await this.close();
      throw error;
    }
    if (!current) {
      return null;
    }
    if (this.sessions.length > 1) {
      const following = this.begin(s.nextBatch(s.keysOnly, current.keys[current.keys.length - 1], limit));
      // A failure of the batch behind surfaces when it is asked for, not as this batch's failure.
      following.catch(() => undefined);
      this.ahead = following;
    }
    try {
      await this.commit(current);
    } catch (error) {
      await this.close();
      throw error;
    }
    return { moved: current.keys.length, keys: current.keys };
  }

  async close(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    const batch = await ahead?.catch(() => null);
    if (batch) {
      await batch.moved.catch(() => undefined);
      await rollbackQuietly(batch.session);
    }
  }

  async only(keys: readonly unknown[][]): Promise<MovedBatch> {
    await this.close();
    const batch = await this.begin(this.statements.keyedBatch(this.statements.keysOnly, keys));
    if (!batch) {
      return { moved: 0, keys: [] };
    }
    await this.commit(batch);
    return { moved: batch.keys.length, keys: batch.keys };
  }

  /**
   * Opens a transaction on the next session in turn (the one the batch before last used, which has
   * committed), locks the batch's keys and starts moving them; resolves once the keys are locked.
   */
  private async begin(select: SqlFragment): Promise<LockedBatch | null> {
    const session = this.sessions[this.begun++ % this.sessions.length];
    await session.begin();
    try {
      const keys = await session.queryArrays(select.sql, select.params);
      if (keys.length === 0) {
        await session.rollback();
        return null;
      }
      const number = ++this.batchNumber;
      await this.hooks.afterRead?.(number, keys);
      const moved = this.move(session, number, keys);
      // A failure surfaces when the batch is committed (or rolled back), not before.
      moved.catch(() => undefined);
      return { number, session, keys, moved };
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
  }

  private async move(session: SqlSession, batch: number, keys: unknown[][]): Promise<void> {
    const s = this.statements;
    const copy = s.upsertSelect(keys, this.archivedAt(), this.runId);
    await session.execute(copy.sql, copy.params);
    await this.hooks.beforeVerify?.(batch, keys);
    await this.verify(session, keys);
    await deleteCopiedRows(session, s, keys);
  }

  private async commit(batch: LockedBatch): Promise<void> {
    try {
      await batch.moved;
      // One commit covers both tables: there is no window between an archive and a source commit.
      await this.hooks.afterArchiveCommit?.(batch.number, batch.keys);
      await batch.session.commit();
    } catch (error) {
      await rollbackQuietly(batch.session);
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
