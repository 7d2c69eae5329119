import { SqlSession } from '../../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch, mergeMoved } from './batch-mover';
import { deleteCopiedRows, rollbackQuietly } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { EngineError, VerificationError, inBatch } from '../engine/engine-errors';
import { SqlFragment } from '../engine/row-selection';

/** A batch whose keys are locked in its session's transaction, and which is now moving on its own. */
interface BatchInFlight {
  number: number;
  keys: unknown[][];
  /** Copy, verification, delete and commit; rejects when the batch was rolled back instead. */
  committed: Promise<void>;
}

/** A batch in flight was rolled back because the run stopped asking for batches. */
class BatchWithdrawn extends EngineError {
  constructor() {
    super('the run stopped before this batch committed; it was rolled back');
  }
}

/**
 * The protocol when source and archive live on the same MySQL/MariaDB server: the copy is an
 * `INSERT … SELECT` inside the server, and copy, verification and delete share ONE transaction, so
 * a batch is moved atomically and no row ever travels through this process.
 *
 * With two sessions, the next batch is locked and moved on the other session as soon as the
 * current batch's keys are known (its locking read starts strictly after them). The two batches
 * are two independent transactions: each commits as soon as its own verification passed and its
 * delete removed exactly its keys, whatever the other does. Nothing in this process ever waits for
 * one batch before the other may go on, so every wait between them is a lock wait inside the
 * server, which InnoDB sees: a deadlock is detected at once and a lock wait ends at the session's
 * limit. (Until 2026-12 the batch behind waited here for the batch before it to commit; when the
 * optimizer turned that batch's delete into a table scan, the delete waited for a row the batch
 * behind had locked — a cycle InnoDB could not see, and the run hung. Decision 006.)
 *
 * Batches are still reported in key order: `next()` returns a batch once it committed. A batch
 * behind that committed while the one before it failed is reported with the next batch returned
 * (or by `finish()`). After any failure the mover moves one batch at a time.
 */
export class ServerSideMover implements BatchMover {
  private batchNumber = 0;
  private begun = 0;
  /** The batch after the last one returned, moving on the other session. */
  private ahead: Promise<BatchInFlight | null> | null = null;
  /** Set while the batches in flight are settled: one that has not committed yet rolls back. */
  private finishing = false;
  /** Rows of a batch that committed behind a failed one, not reported yet. */
  private unreported: MovedBatch | null = null;
  private overlap: boolean;

  /** @param sessions one; or two, used in turn, to move the next batch while the current one finishes */
  constructor(
    private readonly statements: BatchStatements,
    private readonly sessions: readonly SqlSession[],
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly hooks: ArchivalHooks = {},
  ) {
    this.overlap = sessions.length > 1;
  }

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    const s = this.statements;
    const ahead = this.ahead;
    this.ahead = null;
    let current: BatchInFlight | null;
    try {
      current = await (ahead ?? this.begin(s.nextBatch(s.keysOnly, after, limit)));
    } catch (error) {
      this.overlap = false;
      throw error;
    }
    if (!current) {
      return this.takeUnreported();
    }
    if (this.overlap) {
      this.ahead = this.begin(s.nextBatch(s.keysOnly, current.keys[current.keys.length - 1], limit));
      // A failure of the batch behind surfaces when it is asked for, not as this batch's failure.
      this.ahead.catch(() => undefined);
    }
    try {
      await current.committed;
    } catch (error) {
      this.overlap = false;
      await this.settleAhead();
      throw error;
    }
    return this.withUnreported({ moved: current.keys.length, keys: current.keys });
  }

  async only(keys: readonly unknown[][]): Promise<MovedBatch> {
    this.overlap = false;
    await this.settleAhead();
    const batch = await this.begin(this.statements.keyedBatch(this.statements.keysOnly, keys));
    if (!batch) {
      return { moved: 0, keys: [] };
    }
    await batch.committed;
    return { moved: batch.keys.length, keys: batch.keys };
  }

  /**
   * Settles the batch in flight — rolled back unless it already reached its commit — and hands over
   * what committed unreported. The mover can go on afterwards (a run pauses this way, then goes on).
   */
  async finish(): Promise<MovedBatch | null> {
    this.finishing = true;
    try {
      await this.settleAhead();
    } finally {
      this.finishing = false;
    }
    return this.takeUnreported();
  }

  /** Waits for the batch ahead to end; if it committed, its rows are kept for reporting. */
  private async settleAhead(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    const batch = await ahead?.catch(() => null);
    if (!batch) {
      return;
    }
    try {
      await batch.committed;
      this.unreported = mergeMoved(this.unreported, { moved: batch.keys.length, keys: batch.keys });
    } catch {
      // Rolled back: its rows are still in the source, for this run's next batches or the next run.
    }
  }

  private withUnreported(batch: MovedBatch): MovedBatch {
    const merged = mergeMoved(this.unreported, batch) as MovedBatch;
    this.unreported = null;
    return merged;
  }

  private takeUnreported(): MovedBatch | null {
    const batch = this.unreported;
    this.unreported = null;
    return batch;
  }

  /**
   * Opens a transaction on the next session in turn (free: the batch that used it last has ended),
   * locks the batch's keys and sets the batch moving; resolves once the keys are locked.
   */
  private async begin(select: SqlFragment): Promise<BatchInFlight | null> {
    const session = this.sessions[this.begun++ % this.sessions.length];
    await session.begin();
    let keys: unknown[][];
    try {
      keys = await session.queryArrays(select.sql, select.params);
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
    if (keys.length === 0) {
      await session.rollback();
      return null;
    }
    const number = ++this.batchNumber;
    const committed = this.moveAndCommit(session, number, keys);
    // A failure surfaces when the batch is asked for (or settled), not before.
    committed.catch(() => undefined);
    return { number, keys, committed };
  }

  private async moveAndCommit(session: SqlSession, batch: number, keys: unknown[][]): Promise<void> {
    const s = this.statements;
    try {
      await this.hooks.afterRead?.(batch, keys);
      const copy = s.upsertSelect(keys, this.archivedAt(), this.runId);
      await session.execute(copy.sql, copy.params);
      await this.hooks.beforeVerify?.(batch, keys);
      await this.verify(session, keys);
      await deleteCopiedRows(session, s, keys);
      if (this.finishing) {
        throw new BatchWithdrawn();
      }
      // One commit covers both tables: there is no window between an archive and a source commit.
      await this.hooks.afterArchiveCommit?.(batch, keys);
      await session.commit();
    } catch (error) {
      await rollbackQuietly(session);
      throw inBatch(error, keys);
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
