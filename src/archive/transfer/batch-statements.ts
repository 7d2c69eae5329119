import { MYSQL_BINARY_TYPES } from '../../database/dialect/mysql-dialect';
import { DigestColumn, SqlDialect } from '../../database/dialect/sql-dialect';
import { TableSchema } from '../../database/schema/table-schema';
import { ARCHIVED_AT, ARCHIVE_RUN_ID } from '../tables/archive-ddl';
import { KeyColumns } from '../engine/key-columns';
import { SqlFragment } from '../engine/row-selection';

/**
 * The SQL of one archival run, built once from the live schema: which source rows a batch takes,
 * how their copies are written, verified and the originals deleted.
 */
export class BatchStatements {
  readonly key: KeyColumns;
  readonly sourceTable: string;
  readonly archiveTable: string;
  readonly columns: string[];
  readonly quotedColumns: string[];
  /** Source columns then archived_at, archive_run_id: the archive insert column list. */
  readonly archiveColumns: string[];
  /** Positions of the key columns within `columns`. */
  readonly keyPositions: number[];
  /** How each column is read so its exact value leaves the server (see SqlDialect.exactValueExpression). */
  readonly exactColumns: string[];
  /** The columns as they enter a row digest. */
  private readonly digestColumns: DigestColumn[];
  private readonly columnTypes: Array<{ name: string; dataType: string }>;

  constructor(
    readonly dialect: SqlDialect,
    table: TableSchema,
    sourceSchema: string,
    archiveSchema: string,
    readonly selection: SqlFragment,
  ) {
    const q = (name: string) => dialect.quoteIdentifier(name);
    this.key = new KeyColumns(dialect, table);
    this.sourceTable = dialect.qualifiedTable(sourceSchema, table.name);
    this.archiveTable = dialect.qualifiedTable(archiveSchema, table.name);
    this.columns = table.columns.map((column) => column.name);
    this.quotedColumns = this.columns.map(q);
    this.archiveColumns = [...this.quotedColumns, q(ARCHIVED_AT), q(ARCHIVE_RUN_ID)];
    this.keyPositions = this.key.names.map((name) => this.columns.indexOf(name));
    this.columnTypes = table.columns.map(({ name, dataType }) => ({ name, dataType }));
    this.exactColumns = table.columns.map((column, i) =>
      dialect.exactValueExpression(this.quotedColumns[i], column.dataType),
    );
    this.digestColumns = table.columns.map((column, i) => ({
      expression: this.exactColumns[i],
      dataType: column.dataType,
    }));
  }

  /**
   * Selects (and on MySQL locks) the next `limit` qualifying rows after `after` in key order, each
   * with the row digest the source database computes. `what` is the select list.
   */
  nextBatch(what: string, after: readonly unknown[] | null, limit: number): SqlFragment {
    const keyset = after ? ` AND ${this.key.after()}` : '';
    return {
      sql:
        `SELECT ${what} FROM ${this.sourceTable}${this.primaryKeyHint()} WHERE ${this.selection.sql}${keyset} ` +
        `ORDER BY ${this.key.orderBy()} LIMIT ${Math.floor(limit)}${this.dialect.lockingReadSuffix}`,
      params: [...this.selection.params, ...(after ? this.key.afterParams(after) : [])],
    };
  }

  /** A batch's query (the first, or the one after `after`) without its lock, for EXPLAIN and previews. */
  explainableBatch(limit: number, after: readonly unknown[] | null = null): SqlFragment {
    const batch = this.nextBatch(this.rowsWithDigest, after, limit);
    return { sql: batch.sql.slice(0, batch.sql.length - this.dialect.lockingReadSuffix.length), params: batch.params };
  }

  /** The same, restricted to given keys (used to isolate rows a foreign key blocks). */
  keyedBatch(what: string, keys: readonly unknown[][]): SqlFragment {
    const only = this.key.matching(keys);
    return {
      sql:
        `SELECT ${what} FROM ${this.sourceTable} WHERE ${this.selection.sql} AND ${only.sql} ` +
        `ORDER BY ${this.key.orderBy()}${this.dialect.lockingReadSuffix}`,
      params: [...this.selection.params, ...only.params],
    };
  }

  /** Full rows plus their digest: what the copy protocol reads. */
  get rowsWithDigest(): string {
    return `${this.exactColumns.join(', ')}, ${this.dialect.rowDigestExpression(this.digestColumns)}`;
  }

  /** Key columns only: what the server-side protocol reads (the rows never leave the server). */
  get keysOnly(): string {
    return this.key.quoted.join(', ');
  }

  keyOf(row: readonly unknown[]): unknown[] {
    return this.keyPositions.map((position) => row[position]);
  }

  /**
   * Each archive copy's digest, computed by the archive database over the source columns. Summed
   * in this process: the server only hashes, the exact big-number sums cost it more than the hashing.
   */
  archiveDigests(keys: readonly unknown[][]): SqlFragment {
    const only = this.key.matching(keys);
    return {
      sql: `SELECT ${this.dialect.rowDigestExpression(this.digestColumns)} FROM ${this.archiveTable} WHERE ${only.sql}`,
      params: only.params,
    };
  }

  /**
   * Server-side verification (source and archive on one server): counts the batch's keys whose
   * archive row equals the source row in every column, compared by the server on the stored
   * values — exact for numbers and dates, byte for byte for strings (a collation would call 'a'
   * and 'A ' equal). Stronger than comparing checksums, and cheaper: nothing is hashed.
   */
  identicalCopies(keys: readonly unknown[][]): SqlFragment {
    const q = (name: string) => this.dialect.quoteIdentifier(name);
    const join = this.key.names.map((name) => `a.${q(name)} = s.${q(name)}`).join(' AND ');
    const equal = this.columnTypes.map(({ name, dataType }) =>
      this.dialect.identicalValues(`a.${q(name)}`, `s.${q(name)}`, dataType),
    );
    const only = this.key.matching(keys, 's.');
    return {
      sql:
        `SELECT COUNT(*) AS n FROM ${this.sourceTable} s JOIN ${this.archiveTable} a ON ${join} ` +
        `WHERE ${only.sql} AND ${equal.join(' AND ')}`,
      params: only.params,
    };
  }

  /**
   * Deletes exactly these keys, reading no row past the last one (see KeyColumns.matchingWithinBatch).
   * On MySQL/MariaDB in key order with a LIMIT of the key count: without them the optimizer may scan
   * the whole table for a long key list on a small table (DELETE ignores index hints), locking each
   * row it passes for a moment; walking the primary key touches the batch's rows only.
   */
  deleteKeys(keys: readonly unknown[][]): SqlFragment {
    const only = this.key.matchingWithinBatch(keys);
    const inKeyOrder = this.dialect.engine === 'mysql' ? ` ORDER BY ${this.key.orderBy()} LIMIT ${keys.length}` : '';
    return { sql: `DELETE FROM ${this.sourceTable} WHERE ${only.sql}${inKeyOrder}`, params: only.params };
  }

  /**
   * `LOAD DATA LOCAL INFILE … REPLACE` of the copy rows (MySQL/MariaDB), with binary columns
   * sent as hex and decoded by UNHEX; binds `archived_at` and `archive_run_id`. `charset` is the
   * encoding of the stream: utf8mb4 text, or `binary` for strings sent as their stored bytes.
   */
  loadDataStatement(archivedAt: string, runId: number, charset: 'utf8mb4' | 'binary' = 'utf8mb4'): SqlFragment {
    const targets: string[] = [];
    const decoded: string[] = [];
    this.columnTypes.forEach(({ dataType }, i) => {
      if (MYSQL_BINARY_TYPES.has(dataType)) {
        targets.push(`@das_${i}`);
        decoded.push(`${this.quotedColumns[i]} = UNHEX(@das_${i})`);
      } else {
        targets.push(this.quotedColumns[i]);
      }
    });
    const [archivedAtColumn, runIdColumn] = this.archiveColumns.slice(-2);
    return {
      sql:
        `LOAD DATA LOCAL INFILE 'das-batch.tsv' REPLACE INTO TABLE ${this.archiveTable} CHARACTER SET ${charset} ` +
        `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')}) ` +
        `SET ${[...decoded, `${archivedAtColumn} = ?`, `${runIdColumn} = ?`].join(', ')}`,
      params: [archivedAt, runId],
    };
  }

  upsertRows(rowCount: number): string {
    return this.dialect.upsertStatement(this.archiveTable, this.archiveColumns, this.key.quoted, rowCount);
  }

  /** Server-side copy: the archive row is built from the source row inside the database. */
  upsertSelect(keys: readonly unknown[][], archivedAt: string, runId: number): SqlFragment {
    const only = this.key.matching(keys);
    const updates = this.quotedColumns
      .filter((column) => !this.key.quoted.includes(column))
      .concat(this.archiveColumns.slice(-2))
      .map((column) => `${column} = VALUES(${column})`);
    return {
      sql:
        `INSERT INTO ${this.archiveTable} (${this.archiveColumns.join(', ')}) ` +
        `SELECT ${this.quotedColumns.join(', ')}, ?, ? FROM ${this.sourceTable} WHERE ${only.sql} ` +
        `ON DUPLICATE KEY UPDATE ${updates.join(', ')}`,
      params: [archivedAt, runId, ...only.params],
    };
  }

  /** Rows the policy would archive now (previews and dry runs). */
  countQualifying(): SqlFragment {
    return {
      sql: `SELECT COUNT(*) AS n FROM ${this.sourceTable} WHERE ${this.selection.sql}`,
      params: this.selection.params,
    };
  }

  /**
   * MySQL may otherwise walk the date index and sort every old row to find the first batch in key
   * order; the primary key gives the batch directly, like pt-archiver's FORCE INDEX(PRIMARY).
   */
  private primaryKeyHint(): string {
    return this.dialect.engine === 'mysql' ? ' FORCE INDEX (PRIMARY)' : '';
  }
}
