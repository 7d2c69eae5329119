import { SqlFragment, selectionPredicate } from '../archive/engine/row-selection';
import { countRows } from '../archive/archival-engine';
import { BatchLoopResult, runBatchLoop } from '../archive/engine/batch-loop';
import { countedResult, daysBefore, loopResult } from '../archive/engine/engine-results';
import { EngineError } from '../archive/engine/engine-errors';
import { EngineRunOptions, EngineRunResult } from '../archive/engine/engine.types';
import { planLanes, runLanes, withinLane } from '../archive/engine/key-lanes';
import { withReconnects } from '../archive/engine/reconnects';
import { KeyColumns } from '../archive/engine/key-columns';
import { SqlSession } from '../database/sql-client';
import { inspectTable } from '../database/schema/schema-inspector';
import { TableSchema, findColumn, isDateColumn } from '../database/schema/table-schema';
import { PurgeBatchStatements, PurgeBatches } from './purge-batches';

export interface PurgeRunOptions extends EngineRunOptions {
  /** Exact cutoff literal instead of `now - deleteAfterDays` (benchmarks). */
  purgeCutoff?: string;
}

/**
 * Deletes archived rows whose date is older than the policy's `deleteAfterDays`, batch by batch in
 * key order (keyset: never rescans what it deleted). Policy criteria do not apply here: retention
 * is about age alone.
 */
export class PurgeEngine {
  async run(options: PurgeRunOptions): Promise<EngineRunResult> {
    const { policy, archive } = options;
    const now = options.now ?? new Date();
    const cutoff = options.purgeCutoff ?? archive.dialect.formatTimestamp(daysBefore(now, policy.deleteAfterDays));
    const table = await archive.withSession((session) => inspectTable(session, archive.schema, policy.tableName), {
      terminate: options.terminate,
    });
    const details: Record<string, unknown> = { purgeCutoff: cutoff };
    if (!table) {
      // Nothing was ever archived for this table: nothing to purge.
      return options.dryRun ? countedResult(0, options.batchSize, details) : loopResult(NOTHING_DONE, details);
    }
    assertPurgeable(table, policy.dateColumn);
    const expired = selectionPredicate(archive.dialect, policy.dateColumn, cutoff, []);
    const statements = new PurgeStatements(archive.dialect, table, archive.schema, expired);

    if (options.dryRun) {
      const count = statements.countExpired();
      const rows = await archive.withSession((session) => countRows(session, count.sql, count.params));
      return countedResult(rows, options.batchSize, details);
    }
    const key = new KeyColumns(archive.dialect, table);
    const lanes = await planLanes(archive, key, options.lanes ?? 1, statements.table, expired);
    if (lanes.length > 1) {
      details.lanes = lanes.length;
    }
    const loop = await runLanes(lanes, options, (lane, laneOptions) => {
      const laneStatements = new PurgeStatements(
        archive.dialect,
        table,
        archive.schema,
        withinLane(expired, key, lane),
      );
      return withReconnects(
        (attempt) =>
          archive.withSession(
            (session) =>
              runBatchLoop(new PurgeBatches(laneStatements, session), {
                ...options,
                ...laneOptions,
                ...attempt,
                table: table.name,
              }),
            { terminate: options.terminate },
          ),
        { ...laneOptions, terminate: options.terminate, table: table.name },
      );
    });
    return loopResult(loop, details);
  }
}

const NOTHING_DONE: BatchLoopResult = { rows: 0, batches: 0, lastKey: null, stopReason: 'completed' };

function assertPurgeable(table: TableSchema, dateColumn: string): void {
  const column = findColumn(table, dateColumn);
  if (table.primaryKey.length === 0 || !column || !isDateColumn(column)) {
    throw new EngineError(
      `the archive table "${table.name}" has no primary key or no date column "${dateColumn}"; it was not created by DAS for this policy`,
    );
  }
}

class PurgeStatements implements PurgeBatchStatements {
  private readonly key: KeyColumns;
  readonly table: string;

  constructor(
    dialect: SqlSession['dialect'],
    schema: TableSchema,
    archiveSchema: string,
    private readonly expired: SqlFragment,
  ) {
    this.key = new KeyColumns(dialect, schema);
    this.table = dialect.qualifiedTable(archiveSchema, schema.name);
  }

  batchEnd(after: readonly unknown[] | null, limit: number): SqlFragment {
    const keyset = after ? ` AND ${this.key.after()}` : '';
    const keys = this.key.quoted.join(', ');
    const descending = this.key.quoted.map((column) => `${column} DESC`).join(', ');
    return {
      sql:
        `SELECT ${keys} FROM (SELECT ${keys} FROM ${this.table} WHERE ${this.expired.sql}${keyset} ` +
        `ORDER BY ${this.key.orderBy()} LIMIT ${Math.floor(limit)}) AS batch ORDER BY ${descending} LIMIT 1`,
      params: [...this.expired.params, ...(after ? this.key.afterParams(after) : [])],
    };
  }

  deleteExpired(after: readonly unknown[] | null, end: readonly unknown[]): SqlFragment {
    const keyset = after ? ` AND ${this.key.after()}` : '';
    return {
      sql: `DELETE FROM ${this.table} WHERE ${this.expired.sql}${keyset} AND ${this.key.upTo()}`,
      params: [...this.expired.params, ...(after ? this.key.afterParams(after) : []), ...this.key.upToParams(end)],
    };
  }

  countExpired(): SqlFragment {
    return { sql: `SELECT COUNT(*) AS n FROM ${this.table} WHERE ${this.expired.sql}`, params: this.expired.params };
  }
}
