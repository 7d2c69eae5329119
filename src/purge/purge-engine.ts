import { Injectable } from '@nestjs/common';
import { SqlFragment, selectionPredicate } from '../archive/row-selection';
import { countRows } from '../archive/archival-engine';
import { runBatchLoop } from '../archive/batch-loop';
import { rollbackQuietly } from '../archive/batch-protocol';
import { EngineError } from '../archive/engine-errors';
import { EngineRunOptions, EngineRunResult } from '../archive/engine.types';
import { KeyColumns } from '../archive/key-columns';
import { reportableKey } from '../archive/reportable-key';
import { SqlSession } from '../database/sql-client';
import { inspectTable } from '../database/schema/schema-inspector';
import { TableSchema, findColumn, isDateColumn } from '../database/schema/table-schema';

export interface PurgeRunOptions extends EngineRunOptions {
  /** Exact cutoff literal instead of `now - deleteAfterDays` (benchmarks). */
  purgeCutoff?: string;
}

/**
 * Deletes archived rows whose date is older than the policy's `deleteAfterDays`, batch by batch in
 * key order: each batch locks its keys, deletes exactly those, and commits. Policy criteria do not
 * apply here: retention is about age alone.
 */
@Injectable()
export class PurgeEngine {
  async run(options: PurgeRunOptions): Promise<EngineRunResult> {
    const { policy, archive } = options;
    const now = options.now ?? new Date();
    const cutoff =
      options.purgeCutoff ??
      archive.dialect.formatTimestamp(new Date(now.getTime() - policy.deleteAfterDays * 86_400_000));
    const table = await archive.withSession((session) => inspectTable(session, archive.schema, policy.tableName));
    const details: Record<string, unknown> = { purgeCutoff: cutoff };
    if (!table) {
      // Nothing was ever archived for this table: nothing to purge.
      return { rows: 0, batches: 0, stopReason: 'completed', dryRun: Boolean(options.dryRun), details, problem: null };
    }
    assertPurgeable(table, policy.dateColumn);
    const statements = new PurgeStatements(
      archive.dialect,
      table,
      archive.schema,
      selectionPredicate(archive.dialect, policy.dateColumn, cutoff, []),
    );

    if (options.dryRun) {
      const count = statements.countExpired();
      const rows = await archive.withSession((session) => countRows(session, count.sql, count.params));
      return {
        rows,
        batches: Math.ceil(rows / options.batchSize),
        stopReason: 'completed',
        dryRun: true,
        details,
        problem: null,
      };
    }
    const loop = await archive.withSession((session) =>
      runBatchLoop(async (after, limit) => {
        const keys = await deleteBatch(session, statements, after, Math.min(limit, statements.maxBatch));
        return keys.length === 0 ? null : { rows: keys.length, lastKey: keys[keys.length - 1] };
      }, options),
    );
    details.lastKey = reportableKey(loop.lastKey);
    return {
      rows: loop.rows,
      batches: loop.batches,
      stopReason: loop.stopReason,
      dryRun: false,
      details,
      problem: null,
    };
  }
}

/** One purge batch in one short transaction; returns the deleted keys. */
async function deleteBatch(
  session: SqlSession,
  statements: PurgeStatements,
  after: readonly unknown[] | null,
  limit: number,
): Promise<unknown[][]> {
  await session.begin();
  try {
    const select = statements.nextExpired(after, limit);
    const keys = await session.queryArrays(select.sql, select.params);
    if (keys.length === 0) {
      await session.rollback();
      return [];
    }
    const remove = statements.deleteKeys(keys);
    const { affectedRows } = await session.execute(remove.sql, remove.params);
    if (affectedRows !== keys.length) {
      throw new EngineError(
        `the purge delete removed ${affectedRows} rows where ${keys.length} were selected; the batch was rolled back`,
      );
    }
    await session.commit();
    return keys;
  } catch (error) {
    await rollbackQuietly(session);
    throw error;
  }
}

function assertPurgeable(table: TableSchema, dateColumn: string): void {
  const column = findColumn(table, dateColumn);
  if (table.primaryKey.length === 0 || !column || !isDateColumn(column)) {
    throw new EngineError(
      `the archive table "${table.name}" has no primary key or no date column "${dateColumn}"; it was not created by DAS for this policy`,
    );
  }
}

class PurgeStatements {
  private readonly key: KeyColumns;
  private readonly table: string;
  private readonly lockSuffix: string;
  /** A batch's keys go into one DELETE, so a batch may not exceed the engine's parameter limit. */
  readonly maxBatch: number;

  constructor(
    dialect: SqlSession['dialect'],
    schema: TableSchema,
    archiveSchema: string,
    private readonly expired: SqlFragment,
  ) {
    this.key = new KeyColumns(dialect, schema);
    this.table = dialect.qualifiedTable(archiveSchema, schema.name);
    this.lockSuffix = dialect.lockingReadSuffix;
    this.maxBatch = Math.floor(dialect.maxBindParameters / this.key.width);
  }

  nextExpired(after: readonly unknown[] | null, limit: number): SqlFragment {
    const keyset = after ? ` AND ${this.key.after()}` : '';
    return {
      sql:
        `SELECT ${this.key.quoted.join(', ')} FROM ${this.table} WHERE ${this.expired.sql}${keyset} ` +
        `ORDER BY ${this.key.orderBy()} LIMIT ${Math.floor(limit)}${this.lockSuffix}`,
      params: [...this.expired.params, ...(after ? this.key.afterParams(after) : [])],
    };
  }

  deleteKeys(keys: readonly unknown[][]): SqlFragment {
    const only = this.key.matching(keys);
    return { sql: `DELETE FROM ${this.table} WHERE ${only.sql}`, params: only.params };
  }

  countExpired(): SqlFragment {
    return { sql: `SELECT COUNT(*) AS n FROM ${this.table} WHERE ${this.expired.sql}`, params: this.expired.params };
  }
}
