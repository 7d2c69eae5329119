import { SqlSession } from '../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, rollbackQuietly } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { VerificationError } from './engine-errors';
import { SqlFragment } from './row-selection';

/**
 * The protocol when source and archive live on the same MySQL/MariaDB server: the copy is an
 * `INSERT … SELECT` inside the server, and copy, verification and delete share ONE transaction, so
 * a batch is moved atomically and no row ever travels through this process.
 */
export class ServerSideMover implements BatchMover {
  private batchNumber = 0;

  constructor(
    private readonly statements: BatchStatements,
    private readonly session: SqlSession,
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly hooks: ArchivalHooks = {},
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    const moved = await this.move(this.statements.nextBatch(this.statements.keysOnly, after, limit));
    return moved.keys.length === 0 ? null : moved;
  }

  async close(): Promise<void> {
    // Nothing is held between batches.
  }

  only(keys: readonly unknown[][]): Promise<MovedBatch> {
    return this.move(this.statements.keyedBatch(this.statements.keysOnly, keys));
  }

  private async move(select: SqlFragment): Promise<MovedBatch> {
    const batch = ++this.batchNumber;
    const s = this.statements;
    await this.session.begin();
    try {
      const rows = await this.session.queryArrays(select.sql, select.params);
      if (rows.length === 0) {
        await this.session.rollback();
        return { moved: 0, keys: [] };
      }
      const keys = rows;
      await this.hooks.afterRead?.(batch, keys);

      const copy = s.upsertSelect(keys, this.archivedAt(), this.runId);
      await this.session.execute(copy.sql, copy.params);
      await this.hooks.beforeVerify?.(batch, keys);
      await this.verify(keys);
      await deleteCopiedRows(this.session, s, keys);
      // One commit covers both tables: there is no window between an archive and a source commit.
      await this.hooks.afterArchiveCommit?.(batch, keys);
      await this.session.commit();
      return { moved: rows.length, keys };
    } catch (error) {
      await rollbackQuietly(this.session);
      throw error;
    }
  }

  /** Every key of the batch must have an archive row identical to its source row, column by column. */
  private async verify(keys: unknown[][]): Promise<void> {
    const query = this.statements.identicalCopies(keys);
    const [row] = await this.session.query<{ n: unknown }>(query.sql, query.params);
    const identical = Number(row.n);
    if (identical !== keys.length) {
      throw new VerificationError(
        `verification failed: only ${identical} of ${keys.length} archived rows are identical to the source rows; nothing was deleted`,
      );
    }
  }
}
