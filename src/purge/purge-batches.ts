import { BatchStep } from '../archive/batch-loop';
import { SqlFragment } from '../archive/row-selection';
import { SqlSession } from '../database/sql-client';

/** The two statements of a purge batch. */
export interface PurgeBatchStatements {
  /** The key of the last of the next `limit` expired rows after `after` (no row: the purge is done). */
  batchEnd(after: readonly unknown[] | null, limit: number): SqlFragment;
  /** Deletes the expired rows after `after` and up to `end`, both in key order. */
  deleteExpired(after: readonly unknown[] | null, end: readonly unknown[]): SqlFragment;
}

/** The end of the batch after `after`, being found on the finder session. */
interface EndAhead {
  after: readonly unknown[];
  end: Promise<unknown[] | null>;
}

/**
 * Purge batches, two statements each and no explicit transaction: find the key of the `limit`-th
 * expired row after `after`, then delete the expired rows up to it — one atomic statement, a range
 * scan, nothing sent back and forth but two keys. Retention is about age alone, so the delete's own
 * predicate is what decides; nothing needs to be locked in between.
 *
 * Given a second session (the finder), the next batch's end is found there while the current
 * batch's delete runs and commits, so each batch waits for one statement instead of two. The find
 * is a plain read of rows after the current batch: it waits for none of the delete's locks, and
 * sees the same rows it would see after the delete.
 */
export class PurgeBatches {
  private ahead: EndAhead | null = null;

  constructor(
    private readonly statements: PurgeBatchStatements,
    private readonly deleter: SqlSession,
    private readonly finder: SqlSession | null = null,
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<BatchStep | null> {
    const end = await this.endAfter(after, limit);
    if (!end) {
      return null;
    }
    if (this.finder) {
      // Sized by this batch's limit: a tuned size applies one batch later.
      this.ahead = { after: end, end: this.findEnd(this.finder, end, limit) };
      // A failed find surfaces when its batch is asked for, not as this batch's failure.
      this.ahead.end.catch(() => undefined);
    }
    const remove = this.statements.deleteExpired(after, end);
    const { affectedRows } = await this.deleter.execute(remove.sql, remove.params);
    return { rows: affectedRows, lastKey: end };
  }

  /** Waits for a find still running on the finder session, so that the session can be given back. */
  async close(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    await ahead?.end.catch(() => undefined);
  }

  /**
   * The end found ahead if it was found after this very key (the batch loop hands back the key the
   * last batch returned; a batch retried after a failed delete asks after an older key), else found now.
   */
  private async endAfter(after: readonly unknown[] | null, limit: number): Promise<unknown[] | null> {
    const ahead = this.ahead;
    if (ahead && ahead.after === after) {
      this.ahead = null;
      return ahead.end;
    }
    // Found after another key: of no use, but let it finish before the finder is asked again.
    await this.close();
    return this.findEnd(this.deleter, after, limit);
  }

  private async findEnd(
    session: SqlSession,
    after: readonly unknown[] | null,
    limit: number,
  ): Promise<unknown[] | null> {
    const find = this.statements.batchEnd(after, limit);
    const [end] = await session.queryArrays(find.sql, find.params);
    return end ?? null;
  }
}
