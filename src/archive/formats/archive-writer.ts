import { SqlSession } from '../../database/sql-client';
import { BatchStatements } from '../transfer/batch-statements';
import { approximateBytes } from './row-size';

/** Writes a batch's copies into the archive table, overwriting earlier copies of the same keys. */
export interface ArchiveWriter {
  write(session: SqlSession, rows: readonly unknown[][], archivedAt: string, runId: number): Promise<void>;
}

/** Keeps a single multi-row statement well under max_allowed_packet (16 MB by default). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/** Multi-row `INSERT … ON DUPLICATE KEY UPDATE` (SQLite: `ON CONFLICT DO UPDATE`): works everywhere. */
export class UpsertWriter implements ArchiveWriter {
  constructor(private readonly statements: BatchStatements) {}

  async write(session: SqlSession, rows: readonly unknown[][], archivedAt: string, runId: number): Promise<void> {
    const s = this.statements;
    const width = s.columns.length;
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
        params.push(archivedAt, runId);
      }
      await session.execute(s.upsertRows(end - start), params);
      start = end;
    }
  }
}

/**
 * MySQL/MariaDB: `LOAD DATA LOCAL INFILE … REPLACE`, fed from memory. The server parses a
 * tab-separated stream much faster than a 300 KB INSERT statement (this is what makes pt-archiver's
 * --bulk-insert fast). Binary values travel as hex and are decoded by the server (UNHEX), so no byte
 * depends on a character set. Servers that refuse LOCAL INFILE (MySQL 8 by default) get the upsert
 * instead, for the rest of the run. Any value the load would alter is caught by the verification.
 */
export class LoadDataWriter implements ArchiveWriter {
  private refused = false;
  private readonly fallback: UpsertWriter;

  constructor(private readonly statements: BatchStatements) {
    this.fallback = new UpsertWriter(statements);
  }

  async write(session: SqlSession, rows: readonly unknown[][], archivedAt: string, runId: number): Promise<void> {
    if (this.refused || !session.loadLocalData) {
      return this.fallback.write(session, rows, archivedAt, runId);
    }
    const load = this.statements.loadDataStatement(archivedAt, runId);
    try {
      await session.loadLocalData(load.sql, load.params, tabSeparated(rows, this.statements.columns.length));
    } catch (error) {
      if (!isLocalInfileRefused(error)) {
        throw error;
      }
      // A refused statement changes nothing and leaves the transaction open: write the same batch the other way.
      this.refused = true;
      await this.fallback.write(session, rows, archivedAt, runId);
    }
  }
}

/**
 * The server or client will not do LOCAL INFILE: 1148 (older servers), 3948 (MySQL 8, local_infile
 * off), 4166 (MariaDB, local_infile off), 2068 (rejected by the client library).
 */
export function isLocalInfileRefused(error: unknown): boolean {
  const errno = (error as { errno?: number })?.errno;
  return errno === 1148 || errno === 3948 || errno === 4166 || errno === 2068;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows as LOAD DATA's default format: tab-separated, newline-terminated, backslash escapes, \N for NULL. */
export function tabSeparated(rows: readonly unknown[][], width: number): Buffer {
  // Each line is encoded straight into one growing buffer: joining all lines into one string first
  // and encoding that costs four times as much (a 1000-row batch: ~5 ms against ~1.2 ms).
  const out = new GrowingBuffer(64 * 1024);
  const fields = new Array<string>(width);
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      fields[c] = tsvField(row[c]);
    }
    out.writeUtf8(fields.join('\t') + '\n');
  }
  return out.contents();
}

/** An output buffer that doubles when a write may not fit. */
class GrowingBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  writeUtf8(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const needed = this.length + text.length * 3;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  contents(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function tsvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '\\N';
  }
  if (typeof value === 'string') {
    return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
  }
  if (Buffer.isBuffer(value)) {
    return value.toString('hex');
  }
  if (typeof value === 'boolean') {
    return value ? '1' : '0';
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    // JavaScript prints the shortest text that reads back as the same double: exact.
    return String(value);
  }
  throw new Error(`cannot send a value of type ${typeof value} through LOAD DATA`);
}
