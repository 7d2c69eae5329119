import { createHash } from 'node:crypto';
import { MYSQL_BINARY_TYPES, MYSQL_TEXT_TYPES } from '../../database/dialect/mysql-dialect';
import { SqlClient, SqlSession } from '../../database/sql-client';
import { ColumnSchema, TableSchema } from '../../database/schema/table-schema';
import { isLocalInfileRefused } from './archive-writer';
import { rollbackQuietly } from '../transfer/batch-protocol';
import { BatchStatements } from '../transfer/batch-statements';
import { CopyBatch, CopyFormat } from './copy-format';
import { VerificationError } from '../engine/engine-errors';
import { SqlFragment } from '../engine/row-selection';

/**
 * Column types whose text the line format carries exactly (MariaDB `DATA_TYPE`s): numbers and
 * dates as the server prints them (DOUBLE shortest round-trip, FLOAT read as its exact DOUBLE),
 * strings as their raw bytes, binary strings and BIT as hex. Anything else (spatial types, UUID,
 * INET6, types this list does not know) keeps the table on the value format.
 */
const LINE_TYPES = new Set([
  ...['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double'],
  ...['date', 'datetime', 'timestamp', 'time', 'year'],
  ...MYSQL_TEXT_TYPES,
  ...MYSQL_BINARY_TYPES,
]);

export function lineFormatCarries(table: TableSchema): boolean {
  return table.columns.every((column) => LINE_TYPES.has(column.dataType));
}

/**
 * Whether a copy between these databases can use the line format: both are MariaDB (where its SQL
 * and LOAD DATA's binary stream are tested), every column is of a type it carries, and the archive
 * takes LOAD DATA LOCAL INFILE — tried with an empty stream in a transaction that is rolled back.
 * Otherwise the value format, which falls back to inserts by itself, moves the rows.
 */
export async function canCopyLines(
  source: SqlClient,
  archive: SqlClient,
  statements: BatchStatements,
  table: TableSchema,
): Promise<boolean> {
  if (source.dialect.engine !== 'mysql' || archive.dialect.engine !== 'mysql' || !lineFormatCarries(table)) {
    return false;
  }
  if (!(await isMariaDb(source)) || !(await isMariaDb(archive))) {
    return false;
  }
  return archive.withSession(async (session) => {
    if (!session.loadLocalData) {
      return false;
    }
    const probe = statements.loadDataStatement(archive.dialect.formatTimestamp(new Date()), 0, 'binary');
    await session.begin();
    try {
      await session.loadLocalData(probe.sql, probe.params, Buffer.alloc(0));
      return true;
    } catch (error) {
      if (isLocalInfileRefused(error)) {
        return false;
      }
      throw error;
    } finally {
      await rollbackQuietly(session);
    }
  });
}

async function isMariaDb(client: SqlClient): Promise<boolean> {
  const [row] = await client.withSession((session) => session.queryArrays('SELECT VERSION()'));
  return String(row[0]).includes('MariaDB');
}

/** `x` with LOAD DATA's escapes (backslash, tab, newline), written as hex literals so no sql_mode can change them. */
function escaped(bytes: string): string {
  return `REPLACE(REPLACE(REPLACE(${bytes}, X'5C', X'5C5C'), X'09', X'5C74'), X'0A', X'5C6E')`;
}

/** One column as a field of LOAD DATA's default format: NULL as `\N`. */
function field(column: ColumnSchema, exactValue: string): string {
  const text = MYSQL_BINARY_TYPES.has(column.dataType)
    ? `HEX(${exactValue})`
    : MYSQL_TEXT_TYPES.has(column.dataType)
      ? escaped(`CAST(${exactValue} AS BINARY)`)
      : exactValue;
  return `IFNULL(${text}, X'5C4E')`;
}

/** Most bytes of lines one verification query hashes: the archive builds them as one string. */
const PART_BYTES = 8 * 1024 * 1024;

/** Consecutive rows of a batch verified by one query: how many, and the SHA-1 of their lines. */
interface VerifiedPart {
  rows: number;
  sha1: string;
}

interface LineBatch extends CopyBatch {
  /** The batch as LOAD DATA reads it: each row's line followed by a newline. */
  tsv: Buffer;
  /** The batch's rows in parts, in key order, as `verify` checks them. */
  parts: VerifiedPart[];
}

/**
 * MariaDB to MariaDB: the source server writes each row as the line LOAD DATA reads (tab-separated,
 * escaped, NULL as `\N`, in raw bytes), and this process only strings the lines together: no value
 * is parsed or re-encoded here, which is most of what the value format costs in this process.
 *
 * Verification: this process hashes the bytes the source sent, in key order; the archive rebuilds
 * the same lines from what it stored and hashes them in key order. The line is an injective
 * encoding of the row (escaped fields, `\N` only for NULL, hex for binary values), so equal digests
 * and counts mean every row arrived with every value identical — and a value the load changed,
 * dropped or converted shows as a different line. One hash per batch (or per part of a large one)
 * instead of one per row on either side.
 *
 * Strings travel as raw bytes and LOAD DATA reads them as `CHARACTER SET binary`, so no column's
 * bytes are converted on the way, whatever its character set.
 */
export class LineCopyFormat implements CopyFormat<LineBatch> {
  readonly selectList: string;
  private readonly line: string;
  /** Keys per verification query (bounded by the statement's parameters). */
  private readonly partSize: number;
  private readonly keyWidth: number;

  constructor(
    private readonly statements: BatchStatements,
    table: TableSchema,
  ) {
    const fields = table.columns.map((column, i) => field(column, statements.exactColumns[i]));
    this.line = `CAST(CONCAT_WS(X'09', ${fields.join(', ')}) AS BINARY)`;
    this.selectList = `${statements.key.quoted.join(', ')}, ${this.line}`;
    this.keyWidth = statements.key.width;
    this.partSize = Math.max(1, Math.floor(statements.dialect.maxBindParameters / this.keyWidth));
  }

  decode(rows: unknown[][]): LineBatch {
    const width = this.keyWidth;
    let size = 0;
    for (const row of rows) {
      size += (row[width] as Buffer).length + 1;
    }
    const tsv = Buffer.allocUnsafe(size);
    const parts: VerifiedPart[] = [];
    let offset = 0;
    let partStart = 0;
    let partRows = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      offset += (row[width] as Buffer).copy(tsv, offset);
      tsv[offset++] = 0x0a;
      partRows++;
      // The row array becomes the key: dropping the line lets its bytes go with the result set.
      row.length = width;
      if (partRows === this.partSize || offset - partStart >= PART_BYTES || i === rows.length - 1) {
        const sha1 = createHash('sha1')
          .update(tsv.subarray(partStart, offset - 1))
          .digest('hex');
        parts.push({ rows: partRows, sha1 });
        partStart = offset;
        partRows = 0;
      }
    }
    return { keys: rows, tsv, parts, bytes: size };
  }

  async write(archive: SqlSession, batch: LineBatch, archivedAt: string, runId: number): Promise<void> {
    if (!archive.loadLocalData) {
      throw new Error('the line copy format needs LOAD DATA LOCAL INFILE');
    }
    const load = this.statements.loadDataStatement(archivedAt, runId, 'binary');
    await archive.loadLocalData(load.sql, load.params, batch.tsv);
  }

  async verify(archive: SqlSession, batch: LineBatch): Promise<void> {
    let first = 0;
    for (const part of batch.parts) {
      const query = this.archiveDigest(batch.keys.slice(first, first + part.rows));
      first += part.rows;
      const [[count, sha1]] = await archive.queryArrays(query.sql, query.params);
      if (Number(count) !== part.rows || sha1 !== part.sha1) {
        throw new VerificationError(
          `verification failed: the archive copy of ${batch.keys.length} rows differs from the source ` +
            `(source ${part.rows} rows, SHA-1 ${part.sha1}; archive ${String(count)} rows, ` +
            `SHA-1 ${String(sha1)}); nothing was deleted`,
        );
      }
    }
  }

  /**
   * Count and SHA-1 of the archive's lines for these keys, in key order, joined by newlines. The
   * lines come in key order because the only way in is a range scan of the primary key (ranges
   * sorted, the clustered index read forward): a `GROUP_CONCAT … ORDER BY` would sort them again,
   * at ~10% of the query's cost. Were the order ever different, the digests would differ and the
   * batch would fail verification: a refused batch, never a wrong one.
   */
  private archiveDigest(keys: readonly unknown[][]): SqlFragment {
    const s = this.statements;
    const only = s.key.matching(keys);
    return {
      sql:
        `SELECT COUNT(*), SHA1(GROUP_CONCAT(${this.line} SEPARATOR X'0A')) ` +
        `FROM ${s.archiveTable} FORCE INDEX (PRIMARY) WHERE ${only.sql}`,
      params: only.params,
    };
  }
}
