import { RowSetChecksum } from '../database/row-checksum';
import { SqlSession } from '../database/sql-client';
import { ArchiveWriter } from './archive-writer';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, digestChecksum, rollbackQuietly, verifyArchiveCopy } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { approximateBytes } from './row-size';
import { SqlFragment } from './row-selection';

/** A batch read and locked on one source session, its transaction still open. */
interface LockedBatch {
  number: number;
  session: SqlSession;
  rows: unknown[][];
  keys: unknown[][];
  checksum: RowSetChecksum;
  bytes: number;
}

/**
 * The protocol across two databases (any two servers, or SQLite files): rows travel through this
 * process. Two transactions per batch, committed archive first, so a crash between the commits
 * leaves rows in both places (the next run overwrites its copy and deletes them) and never in
 * neither.
 *
 * It overlaps what the protocol lets overlap: the source delete runs while the archive writes and
 * verifies its copy, and with two source sessions the next batch is read and locked while the
 * current one finishes. None of this changes what is committed when: the archive commit still
 * comes first, and only after the verification passed and the delete removed exactly the copied
 * keys; the source commit follows it.
 */
export class CopyMover implements BatchMover {
  private batchNumber = 0;
  private prefetched: Promise<LockedBatch | null> | null = null;

  /**
   * @param sources one source session, or two to read the next batch while writing the current
   *   one (not on SQLite, whose single connection serialises sessions)
   */
  constructor(
    private readonly statements: BatchStatements,
    private readonly sources: readonly SqlSession[],
    private readonly archive: SqlSession,
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly writer: ArchiveWriter,
    private readonly hooks: ArchivalHooks = {},
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    const s = this.statements;
    const current = await (this.prefetched ?? this.read(s.nextBatch(s.rowsWithDigest, after, limit), this.sources[0]));
    this.prefetched = null;
    if (!current) {
      return null;
    }
    const other = this.sources.find((session) => session !== current.session);
    // The next batch is locked only once this batch's delete has run: until then the delete's
    // index scan may still need to look at the row just after the batch, which the next read
    // would lock.
    const readAhead = other
      ? () => {
          const nextAfter = current.keys[current.keys.length - 1];
          this.prefetched = this.read(s.nextBatch(s.rowsWithDigest, nextAfter, limit), other);
          // A failed read-ahead surfaces when the next batch is asked for, not as this batch's failure.
          this.prefetched.catch(() => undefined);
        }
      : undefined;
    try {
      return await this.write(current, readAhead);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async only(keys: readonly unknown[][]): Promise<MovedBatch> {
    await this.close();
    const batch = await this.read(this.statements.keyedBatch(this.statements.rowsWithDigest, keys), this.sources[0]);
    return batch ? this.write(batch) : { moved: 0, keys: [] };
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

  /** Opens a transaction on `session` (which must hold none) and locks the batch's rows. */
  private async read(select: SqlFragment, session: SqlSession): Promise<LockedBatch | null> {
    const s = this.statements;
    await session.begin();
    try {
      const rows = await session.queryArrays(select.sql, select.params);
      if (rows.length === 0) {
        await session.rollback();
        return null;
      }
      const batch: LockedBatch = {
        number: ++this.batchNumber,
        session,
        rows,
        keys: rows.map((row) => s.keyOf(row)),
        checksum: digestChecksum(rows, s.columns.length),
        bytes: rows.reduce((total, row) => total + approximateBytes(row, s.columns.length), 0),
      };
      await this.hooks.afterRead?.(batch.number, batch.keys);
      return batch;
    } catch (error) {
      await rollbackQuietly(session);
      throw error;
    }
  }

  /**
   * Copies, verifies and deletes one batch, then commits the archive and the source, in that order.
   * The archive write and the source delete touch different databases and run side by side; both
   * (and the verification) must succeed before anything commits.
   */
  private async write(batch: LockedBatch, afterDelete?: () => void): Promise<MovedBatch> {
    const { session: source, keys } = batch;
    try {
      const archiveSide = (async () => {
        await this.archive.begin();
        await this.writer.write(this.archive, batch.rows, this.archivedAt(), this.runId);
        await verifyArchiveCopy(this.archive, this.statements, keys, batch.checksum);
      })();
      const sourceSide = deleteCopiedRows(source, this.statements, keys).then(afterDelete);
      const outcomes = await Promise.allSettled([archiveSide, sourceSide]);
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) {
        await rollbackQuietly(this.archive);
        throw failure.reason;
      }
      try {
        await this.archive.commit();
      } catch (error) {
        await rollbackQuietly(this.archive);
        throw error;
      }
      await this.hooks.afterArchiveCommit?.(batch.number, keys);
      await source.commit();
      return { moved: batch.rows.length, keys, bytes: batch.bytes };
    } catch (error) {
      await rollbackQuietly(source);
      throw error;
    }
  }
}
