/**
 * Proof that a mover did its job, taken outside the mover: an order-independent content checksum of
 * the rows that must end up somewhere, recorded before the run and compared after it, plus exact
 * row counts. A figure is only reported as verified when every check passes.
 */
import { TableRef, qualified, quoteId, scalar, scalarNumber } from './db';
import { ARCHIVE_EXTRA_COLUMNS, ORDERS_COLUMNS } from './seed';

/**
 * SELECT returning `count:sumHigh:sumLow` over the rows of `table` matching `where`. Each row is
 * serialised with every listed column (NULL made explicit, dates with microseconds) and hashed with
 * MD5; two 60-bit slices of the hashes are summed exactly, so any changed byte, lost row or
 * duplicated row changes the result, whatever order the rows are in.
 */
export function checksumSql(table: { database: string; table: string }, columns: readonly string[], where: string) {
  const serialised = columns.map((column) => {
    const id = quoteId(column);
    if (column === 'created_at' || column === 'archived_at') {
      return `DATE_FORMAT(${id}, '%Y-%m-%d %H:%i:%s.%f')`;
    }
    return String.raw`IFNULL(${id}, '\\N')`;
  });
  return `SELECT CONCAT(COUNT(*), ':',
       COALESCE(SUM(CAST(CONV(SUBSTRING(h, 1, 15), 16, 10) AS UNSIGNED)), 0), ':',
       COALESCE(SUM(CAST(CONV(SUBSTRING(h, 16, 15), 16, 10) AS UNSIGNED)), 0))
FROM (SELECT MD5(CONCAT_WS('|', ${serialised.join(', ')})) AS h
      FROM ${qualified(table)} WHERE ${where}) AS t`;
}

export function checksum(ref: TableRef, columns: readonly string[], where = '1=1', params: unknown[] = []) {
  return scalar(ref.conn, checksumSql(ref, columns, where), params);
}

/** What must hold after a run, recorded before it. */
export interface Expectation {
  job: 'archive' | 'purge';
  /** Rows with `dateColumn < cutoff` leave this table (the source; for purge, the archive table). */
  shrinking: TableRef;
  /** The whole of this table must then hold exactly the rows summed in `targetChecksum`. */
  target: TableRef;
  dateColumn: string;
  cutoff: string;
  columns: readonly string[];
  expectedRows: number;
  totalBefore: number;
  targetChecksum: string;
}

export interface Verification {
  ok: boolean;
  /** Rows that left the shrinking table. */
  rows: number;
  failures: string[];
  details: Record<string, string | number>;
}

/** The cutoff literal for "older than `days` days", fixed once per run from the server's clock. */
export function cutoffLiteral(ref: TableRef, days: number): Promise<string> {
  return scalar(ref.conn, "SELECT DATE_FORMAT(NOW(6) - INTERVAL ? DAY, '%Y-%m-%d %H:%i:%s.%f')", [days]);
}

const olderThan = (dateColumn: string) => `${quoteId(dateColumn)} < ?`;
const countRows = (ref: TableRef, where = '1=1', params: unknown[] = []) =>
  scalarNumber(ref.conn, `SELECT COUNT(*) FROM ${qualified(ref)} WHERE ${where}`, params);

/** Archive job: the source's rows older than the cutoff must all arrive, unchanged, in the archive. */
export async function expectArchive(source: TableRef, archive: TableRef, dateColumn: string, cutoff: string) {
  const where = olderThan(dateColumn);
  return {
    job: 'archive',
    shrinking: source,
    target: archive,
    dateColumn,
    cutoff,
    columns: ORDERS_COLUMNS,
    expectedRows: await countRows(source, where, [cutoff]),
    totalBefore: await countRows(source),
    targetChecksum: await checksum(source, ORDERS_COLUMNS, where, [cutoff]),
  } satisfies Expectation;
}

/** Purge job: the archive's rows older than the cutoff must go, every other row must stay unchanged. */
export async function expectPurge(archive: TableRef, dateColumn: string, cutoff: string) {
  const columns = [...ORDERS_COLUMNS, ...ARCHIVE_EXTRA_COLUMNS];
  return {
    job: 'purge',
    shrinking: archive,
    target: archive,
    dateColumn,
    cutoff,
    columns,
    expectedRows: await countRows(archive, olderThan(dateColumn), [cutoff]),
    totalBefore: await countRows(archive),
    targetChecksum: await checksum(archive, columns, `NOT (${olderThan(dateColumn)})`, [cutoff]),
  } satisfies Expectation;
}

export async function verify(expected: Expectation): Promise<Verification> {
  const failures: string[] = [];
  const totalAfter = await countRows(expected.shrinking);
  const leftOld = await countRows(expected.shrinking, olderThan(expected.dateColumn), [expected.cutoff]);
  const targetChecksum = await checksum(expected.target, expected.columns);
  const rows = expected.totalBefore - totalAfter;
  const shrinking = qualified(expected.shrinking);
  if (rows !== expected.expectedRows) {
    failures.push(`${shrinking} lost ${rows} rows, expected ${expected.expectedRows}`);
  }
  if (leftOld !== 0) {
    failures.push(`${shrinking} still has ${leftOld} rows with ${expected.dateColumn} < '${expected.cutoff}'`);
  }
  if (expected.job === 'archive') {
    const archived = Number(targetChecksum.split(':')[0]);
    if (archived !== expected.expectedRows) {
      failures.push(`${qualified(expected.target)} holds ${archived} rows, expected ${expected.expectedRows}`);
    }
  }
  if (targetChecksum !== expected.targetChecksum) {
    failures.push(
      `${qualified(expected.target)} content checksum ${targetChecksum} differs from ${expected.targetChecksum}`,
    );
  }
  return {
    ok: failures.length === 0,
    rows,
    failures,
    details: { totalBefore: expected.totalBefore, totalAfter, leftOlderThanCutoff: leftOld, targetChecksum },
  };
}
