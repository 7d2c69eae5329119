import { SqlSession } from '../../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, rollbackQuietly } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { CopyBatch, CopyFormat } from '../formats/copy-format';
import { inBatch } from '../engine/engine-errors';
import { SqlFragment } from '../engine/row-selection';

/** A batch read and locked on one source session, its transaction still open. */
interface LockedBatch<B extends CopyBatch> {
  number: number;
  session: SqlSession;
  data: B;
}

/**
 * A batch written into the archive and deleted from the source, both transactions still open; its
 * verification in the archive may still be running (`commit()` waits for it).
 */
interface StagedBatch<B extends CopyBatch> extends LockedBatch<B> {
  archive: SqlSession;
  verified: Promise<void>;
}

/**
 * The protocol across two databases (any two servers, or SQLite files): rows travel through this
 * process. Two transactions per batch, committed archive first, so a crash between the commits
 * leaves rows in both places (the next run overwrites its copy and deletes them) and never in
 * neither.
 *
 * It overlaps what the protocol lets overlap, as far as the sessions it is given allow:
 * - the source delete runs while the archive writes and verifies its copy;
 * - with two or more source sessions, the next batch is read and locked while the current one
 *   finishes (read-ahead);
 * - with three source sessions and two archive sessions, the next batch is also copied, verified
 *   and deleted while the current one is verified and commits (pipelined).
 * None of this changes what is committed when: every batch commits its archive transaction first,
 * only after its verification passed and its delete removed exactly the copied keys, and its source
 * transaction after that. `next()` returns a batch only once both are committed; the batch behind
 * it is still open, and rolled back by `finish()` if the run stops there.
 */
export class CopyMover<B extends CopyBatch = CopyBatch> implements BatchMover {
  private batchNumber = 0;
  private reads = 0;
  private stages = 0;
  /** Rows the last `next()` asked for: batches read ahead are read with it. */
  private limit = 0;
  /** The next batch, read and locked while the current one was written. */
  private prefetched: Promise<LockedBatch<B> | null> | null = null;
  /** The next batch, copied and deleted while the current one committed (pipelined only). */
  private staged: Promise<StagedBatch<B> | null> | null = null;
  private readonly pipelined: boolean;

  /**
   * @param sources source sessions, used in turn: one; two to read the next batch while writing
   *   the current one; three (with two archive sessions) to pipeline. Not more than one on SQLite,
   *   whose single connection serialises sessions.
   * @param archives archive sessions, used in turn: two (with three source sessions) to pipeline
   */
  constructor(
    private readonly statements: BatchStatements,
    private readonly sources: readonly SqlSession[],
    private readonly archives: readonly SqlSession[],
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly format: CopyFormat<B>,
    private readonly hooks: ArchivalHooks = {},
  ) {
    // Batch N commits on one archive session while N+1 writes on the other, and N+2 is read on a
    // third source session while N and N+1 still hold theirs.
    this.pipelined = sources.length >= 3 && archives.length >= 2;
  }

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    this.limit = limit;
    const staged = this.staged;
    this.staged = null;
    let current: StagedBatch<B> | null;
    try {
      current = await (staged ?? this.stageNext(after));
    } catch (error) {
      await this.finish();
      throw error;
    }
    if (!current) {
      return null;
    }
    if (this.pipelined && this.prefetched) {
      // Its delete done, the current batch's read-ahead is running: write it while this one commits.
      const following = this.prefetched;
      this.prefetched = null;
      this.staged = following.then((batch) => batch && this.stage(batch, true));
      // A failure of the batch behind surfaces when it is asked for, not as this batch's failure.
      this.staged.catch(() => undefined);
    }
    try {
      await this.commit(current);
    } catch (error) {
      await this.finish();
      throw error;
    }
    return movedBatch(current.data);
  }

  async only(keys: readonly unknown[][]): Promise<MovedBatch> {
    await this.finish();
    const batch = await this.read(this.statements.keyedBatch(this.format.selectList, keys));
    if (!batch) {
      return { moved: 0, keys: [] };
    }
    const staged = await this.stage(batch, false);
    await this.commit(staged);
    return movedBatch(staged.data);
  }

  /**
   * Releases the batches held ahead of the last one returned (their rows stay where they are): on
   * this path a batch commits only inside `next()`, so none is ever left committed but unreported.
   */
  async finish(): Promise<null> {
    // The staged batch first: while it settles it may still start a read-ahead.
    const staged = this.staged;
    this.staged = null;
    const stagedBatch = await staged?.catch(() => null);
    if (stagedBatch) {
      await stagedBatch.verified.catch(() => undefined);
      await rollbackQuietly(stagedBatch.archive);
      await rollbackQuietly(stagedBatch.session);
    }
    const prefetched = this.prefetched;
    this.prefetched = null;
    const lockedBatch = await prefetched?.catch(() => null);
    if (lockedBatch) {
      await rollbackQuietly(lockedBatch.session);
    }
    return null;
  }

  /** The batch after `after`: the one read ahead if there is one, else read now; then written. */
  private async stageNext(after: readonly unknown[] | null): Promise<StagedBatch<B> | null> {
    const pending = this.prefetched;
    this.prefetched = null;
    const batch = await (pending ?? this.read(this.statements.nextBatch(this.format.selectList, after, this.limit)));
    return batch && this.stage(batch, true);
  }

  /**
   * Opens a transaction on the next source session in turn (which holds none: the session used
   * `sources.length` batches ago has committed) and locks the batch's rows.
   */
  private async read(select: SqlFragment): Promise<LockedBatch<B> | null> {
    const session = this.sources[this.reads++ % this.sources.length];
    await session.begin();
    try {
      const rows = await session.queryArrays(select.sql, select.params);
      if (rows.length === 0) {
        await session.rollback();
        return null;
      }
      const batch: LockedBatch<B> = { number: ++this.batchNumber, session, data: this.format.decode(rows) };
      await this.hooks.afterRead?.(batch.number, batch.data.keys);
      return batch;
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
  }

  /**
   * Copies one batch into the archive and deletes it from the source, committing neither. The
   * archive write and the source delete touch different databases and run side by side. Once the
   * delete has run, the next batch may be read ahead (`readAhead`; until the delete ran, its index
   * scan may still need to look at the row just after the batch, which the next read would lock).
   *
   * The verification of the copy starts on the archive session as soon as the write is done, but
   * this returns without waiting for it: pipelined, the next batch's write (on the other archive
   * session) then overlaps this verification instead of following it, and `commit()` waits for it
   * before anything is committed.
   */
  private async stage(batch: LockedBatch<B>, readAhead: boolean): Promise<StagedBatch<B>> {
    const s = this.statements;
    const { session: source, data } = batch;
    const keys = data.keys;
    const archive = this.archives[this.stages++ % this.archives.length];
    const written = (async () => {
      await archive.begin();
      await this.format.write(archive, data, this.archivedAt(), this.runId);
    })();
    const verified = written.then(async () => {
      await this.hooks.beforeVerify?.(batch.number, keys);
      await this.format.verify(archive, data);
    });
    // A failed verification surfaces when the batch is committed (or rolled back), not before.
    verified.catch(() => undefined);
    const sourceSide = deleteCopiedRows(source, s, keys).then(() => {
      if (readAhead && this.sources.length > 1) {
        this.prefetched = this.read(s.nextBatch(this.format.selectList, keys[keys.length - 1], this.limit));
        // A failed read-ahead surfaces when the next batch is asked for, not as this batch's failure.
        this.prefetched.catch(() => undefined);
      }
    });
    const outcomes = await Promise.allSettled([written, sourceSide]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await verified.catch(() => undefined);
      await rollbackQuietly(archive);
      await rollbackQuietly(source);
      throw inBatch(failure.reason, keys);
    }
    return { ...batch, archive, verified };
  }

  /** Commits a staged batch once its copy is verified: the archive first, then the source. */
  private async commit(batch: StagedBatch<B>): Promise<void> {
    try {
      try {
        await batch.verified;
        await batch.archive.commit();
      } catch (error) {
        await rollbackQuietly(batch.archive);
        throw error;
      }
      await this.hooks.afterArchiveCommit?.(batch.number, batch.data.keys);
      await batch.session.commit();
    } catch (error) {
      await rollbackQuietly(batch.session);
      throw inBatch(error, batch.data.keys);
    }
  }
}

function movedBatch(batch: CopyBatch): MovedBatch {
  return { moved: batch.keys.length, keys: batch.keys, bytes: batch.bytes };
}
