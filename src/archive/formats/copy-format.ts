import { RowSetChecksum } from '../../database/row-checksum';
import { SqlSession } from '../../database/sql-client';
import { ArchiveWriter } from './archive-writer';
import { digestChecksum, verifyArchiveCopy } from '../transfer/batch-protocol';
import { BatchStatements } from '../transfer/batch-statements';
import { approximateBytes } from './row-size';

/** A batch read from the source, in the form its copy format writes and verifies it. */
export interface CopyBatch {
  /** Key of each row, in key order. */
  keys: unknown[][];
  /** Bytes of row data held in this process for the batch (sizes the next batches). */
  bytes: number;
}

/**
 * How rows travel through this process on the copy path: what the source's locked read selects,
 * what is kept of a batch, how it is written into the archive and how the copy is proven
 * identical to what the source held. The protocol around it (locks, delete, commit order) is the
 * CopyMover's and the same for every format.
 */
export interface CopyFormat<B extends CopyBatch = CopyBatch> {
  /** Select list of the locked read. */
  readonly selectList: string;
  /** The rows of one locked read (in key order) as the batch to write. */
  decode(rows: unknown[][]): B;
  write(archive: SqlSession, batch: B, archivedAt: string, runId: number): Promise<void>;
  /** Throws VerificationError unless the archive, inside its open transaction, holds the batch exactly. */
  verify(archive: SqlSession, batch: B): Promise<void>;
}

interface ValueBatch extends CopyBatch {
  rows: unknown[][];
  checksum: RowSetChecksum;
}

/**
 * Every engine pair: the source sends each row's values and its digest, this process writes the
 * values (LOAD DATA or an upsert) and the archive digests what it stored; the digests' sums must
 * match.
 */
export class ValueCopyFormat implements CopyFormat<ValueBatch> {
  constructor(
    private readonly statements: BatchStatements,
    private readonly writer: ArchiveWriter,
  ) {}

  get selectList(): string {
    return this.statements.rowsWithDigest;
  }

  decode(rows: unknown[][]): ValueBatch {
    const s = this.statements;
    const width = s.columns.length;
    return {
      rows,
      keys: rows.map((row) => s.keyOf(row)),
      checksum: digestChecksum(rows, width),
      bytes: rows.reduce((total, row) => total + approximateBytes(row, width), 0),
    };
  }

  write(archive: SqlSession, batch: ValueBatch, archivedAt: string, runId: number): Promise<void> {
    return this.writer.write(archive, batch.rows, archivedAt, runId);
  }

  verify(archive: SqlSession, batch: ValueBatch): Promise<void> {
    return verifyArchiveCopy(archive, this.statements, batch.keys, batch.checksum);
  }
}
