import { SqlSession } from '../database/sql-client';
import { ArchivalHooks, BatchMover, MovedBatch } from './batch-mover';
import { deleteCopiedRows, digestChecksum, rollbackQuietly, verifyArchiveCopy } from './batch-protocol';
import { BatchStatements } from './batch-statements';
import { SqlFragment } from './row-selection';

/** Keeps a single multi-row statement well under max_allowed_packet (16 MB by default). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * The protocol across two databases (any two servers, or SQLite files): rows travel through this
 * process. Two transactions, committed archive first, so a crash between the commits leaves rows
 * in both places (the next run overwrites its copy and deletes them) and never in neither.
 */
export class CopyMover implements BatchMover {
  private batchNumber = 0;

  constructor(
    private readonly statements: BatchStatements,
    private readonly source: SqlSession,
    private readonly archive: SqlSession,
    private readonly runId: number,
    private readonly archivedAt: () => string,
    private readonly hooks: ArchivalHooks = {},
  ) {}

  async next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null> {
    const moved = await this.move(this.statements.nextBatch(this.statements.rowsWithDigest, after, limit));
    return moved.keys.length === 0 ? null : moved;
  }

  only(keys: readonly unknown[][]): Promise<MovedBatch> {
    return this.move(this.statements.keyedBatch(this.statements.rowsWithDigest, keys));
  }

  private async move(select: SqlFragment): Promise<MovedBatch> {
    const batch = ++this.batchNumber;
    const s = this.statements;
    await this.source.begin();
    try {
      const rows = await this.source.queryArrays(select.sql, select.params);
      if (rows.length === 0) {
        await this.source.rollback();
        return { moved: 0, keys: [] };
      }
      const keys = rows.map((row) => s.keyOf(row));
      const sourceChecksum = digestChecksum(rows, s.columns.length);
      await this.hooks.afterRead?.(batch, keys);

      await this.archive.begin();
      try {
        await this.writeCopies(rows);
        await verifyArchiveCopy(this.archive, s, keys, sourceChecksum);
        await deleteCopiedRows(this.source, s, keys);
        await this.archive.commit();
      } catch (error) {
        await rollbackQuietly(this.archive);
        throw error;
      }
      await this.hooks.afterArchiveCommit?.(batch, keys);
      await this.source.commit();
      return { moved: rows.length, keys };
    } catch (error) {
      await rollbackQuietly(this.source);
      throw error;
    }
  }

  private async writeCopies(rows: unknown[][]): Promise<void> {
    const s = this.statements;
    const width = s.columns.length;
    const meta = [this.archivedAt(), this.runId];
    const maxRows = Math.max(1, Math.floor(s.dialect.maxBindParameters / (width + 2)));
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let bytes = 0;
      while (end < rows.length && end - start < maxRows && (end === start || bytes < MAX_STATEMENT_BYTES)) {
        bytes += approximateBytes(rows[end], width);
        end++;
      }
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const row = rows[i];
        for (let c = 0; c < width; c++) {
          params.push(row[c]);
        }
        params.push(meta[0], meta[1]);
      }
      await this.archive.execute(s.upsertRows(end - start), params);
      start = end;
    }
  }
}

function approximateBytes(row: readonly unknown[], width: number): number {
  let bytes = 0;
  for (let c = 0; c < width; c++) {
    const value = row[c];
    bytes += typeof value === 'string' ? value.length * 2 : Buffer.isBuffer(value) ? value.length * 2 : 8;
  }
  return bytes;
}
