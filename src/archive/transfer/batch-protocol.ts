import { ChecksumAccumulator, RowSetChecksum, formatChecksum, sameChecksum } from '../../database/row-checksum';
import { SqlSession } from '../../database/sql-client';
import { BatchStatements } from './batch-statements';
import { EngineError, ForeignKeyBlockedError, VerificationError, isForeignKeyViolation } from '../engine/engine-errors';

/** Steps of the archival protocol shared by both movers. */

/** Sums the per-row digests the source computed (column `digestPosition` of each row). */
export function digestChecksum(rows: readonly unknown[][], digestPosition: number): RowSetChecksum {
  const accumulator = new ChecksumAccumulator();
  for (const row of rows) {
    accumulator.addHexDigest(String(row[digestPosition]));
  }
  return accumulator.result();
}

/**
 * Step 3: the archive (seen through `session`, inside the open transaction) holds every key of the
 * batch with content identical to what the source held when the batch was locked.
 */
export async function verifyArchiveCopy(
  session: SqlSession,
  statements: BatchStatements,
  keys: unknown[][],
  expected: RowSetChecksum,
): Promise<void> {
  // Digests add up, so a batch larger than one statement's parameter limit is checked in parts.
  const accumulator = new ChecksumAccumulator();
  for (const part of chunksOf(keys, statements.dialect.maxBindParameters / statements.key.width)) {
    const query = statements.archiveDigests(part);
    for (const [digest] of await session.queryArrays(query.sql, query.params)) {
      accumulator.addHexDigest(String(digest));
    }
  }
  const actual = accumulator.result();
  if (!sameChecksum(actual, expected)) {
    throw new VerificationError(
      `verification failed: the archive copy of ${keys.length} rows differs from the source ` +
        `(source ${formatChecksum(expected)}, archive ${formatChecksum(actual)}); nothing was deleted`,
    );
  }
}

/**
 * Step 4: deletes exactly the copied keys (an IN list, never a range). Any other affected count
 * means the rows changed under us: the caller rolls both transactions back.
 */
export async function deleteCopiedRows(
  session: SqlSession,
  statements: BatchStatements,
  keys: unknown[][],
): Promise<void> {
  let deleted = 0;
  try {
    for (const part of chunksOf(keys, statements.dialect.maxBindParameters / statements.key.width)) {
      const statement = statements.deleteKeys(part);
      deleted += (await session.execute(statement.sql, statement.params)).affectedRows;
    }
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new ForeignKeyBlockedError(keys, error);
    }
    throw error;
  }
  if (deleted !== keys.length) {
    throw new EngineError(
      `the source delete removed ${deleted} rows where ${keys.length} were copied; the batch was rolled back`,
    );
  }
}

/**
 * Rolls back after a failure without hiding it: if the connection itself is gone, the database
 * rolls the transaction back anyway, and the original error is the one worth reporting.
 */
export async function rollbackQuietly(session: SqlSession): Promise<void> {
  try {
    await session.rollback();
  } catch {
    // see above
  }
}

/** `items` in consecutive slices of at most `size` (at least one per slice). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += step) {
    chunks.push(items.slice(i, i + step));
  }
  return chunks;
}
