import { SqlClient, SqlSession } from '../database/sql-client';
import { withSessionGroup } from '../database/session-group';
import { inspectTable } from '../database/schema/schema-inspector';
import { TableSchema } from '../database/schema/table-schema';
import { policyProblems } from '../policy/policy-rules';
import { ArchiveTableManager } from './tables/archive-table-manager';
import { ArchiveWriter, LoadDataWriter, UpsertWriter } from './formats/archive-writer';
import { CopyFormat, ValueCopyFormat } from './formats/copy-format';
import { LineCopyFormat, canCopyLines } from './formats/line-copy-format';
import { ArchivalHooks, BatchMover, MovedBatch } from './transfer/batch-mover';
import { BatchSource, BatchStep, runBatchLoop } from './engine/batch-loop';
import { BatchStatements } from './transfer/batch-statements';
import { CopyMover } from './transfer/copy-mover';
import { EngineError, ForeignKeyBlockedError } from './engine/engine-errors';
import { planLanes, runLanes, withinLane } from './engine/key-lanes';
import { withReconnects } from './engine/reconnects';
import { EngineRunOptions, EngineRunResult } from './engine/engine.types';
import { countedResult, daysBefore, loopResult } from './engine/engine-results';
import { reportableKey } from './engine/reportable-key';
import { selectionPredicate } from './engine/row-selection';
import { ServerSideMover } from './transfer/server-side-mover';
import { shareServer } from './transfer/same-server';

export type TransferMode = 'auto' | 'copy' | 'server-side';

export interface ArchivalRunOptions extends EngineRunOptions {
  /** Exact cutoff literal instead of `now - archiveAfterDays` (benchmarks compare movers on one cutoff). */
  archiveCutoff?: string;
  /**
   * `auto` (default) moves rows inside the server when source and archive share a MySQL/MariaDB
   * server, and through this process otherwise; the other values force one path.
   */
  transfer?: TransferMode;
  hooks?: ArchivalHooks;
  /** How copies reach a MySQL/MariaDB archive: `load-data` (default, falls back by itself) or `upsert`. */
  archiveWrite?: 'load-data' | 'upsert';
}

/** Rows of the first batch of a copy transfer, before its weight is known. */
const FIRST_COPY_BATCH = 1000;

/** Keys reported on a run when a foreign key blocks them (the count is always reported). */
const MAX_REPORTED_BLOCKED_KEYS = 100;

/** Rows a foreign key keeps in the source: counted, and a bounded sample kept (memory stays flat). */
class BlockedKeys {
  count = 0;
  readonly sample: unknown[][] = [];

  add(key: unknown[]): void {
    this.count += 1;
    if (this.sample.length < MAX_REPORTED_BLOCKED_KEYS) {
      this.sample.push(key);
    }
  }
}

/**
 * Moves a policy's old rows from the source to the archive, batch by batch, with the archival
 * protocol (see docs/decisions/002-archival-protocol.md). Reads no configuration: everything
 * arrives in the options, so the server, the CLI and benchmarks run it alike.
 */
export class ArchivalEngine {
  constructor(private readonly tables: ArchiveTableManager = new ArchiveTableManager()) {}

  async run(options: ArchivalRunOptions): Promise<EngineRunResult> {
    const { policy, source, archive } = options;
    const now = options.now ?? new Date();
    const cutoff = options.archiveCutoff ?? source.dialect.formatTimestamp(daysBefore(now, policy.archiveAfterDays));
    const table = await source.withSession((session) => inspectTable(session, source.schema, policy.tableName), {
      terminate: options.terminate,
    });
    const problems = policyProblems(policy, table);
    if (problems.length > 0 || !table) {
      throw new EngineError(
        `the policy for "${policy.tableName}" no longer matches the source table: ${problems.join('; ')}`,
      );
    }
    const selection = selectionPredicate(source.dialect, policy.dateColumn, cutoff, policy.criteria);
    const statements = new BatchStatements(source.dialect, table, source.schema, archive.schema, selection);

    if (options.dryRun) {
      return this.dryRun(options, table, statements, cutoff);
    }
    await this.tables.ensure(archive, table, policy.dateColumn);
    const serverSide = await this.useServerSide(options, source, archive, table.name);
    const lines =
      !serverSide && options.archiveWrite !== 'upsert' && (await canCopyLines(source, archive, statements, table));
    const details: Record<string, unknown> = {
      archiveCutoff: cutoff,
      transfer: serverSide ? 'server-side' : 'copy',
      keyColumns: table.primaryKey,
    };
    if (!serverSide) {
      details.copyFormat = lines ? 'lines' : 'values';
    }
    const blocked = new BlockedKeys();
    const lanes = await planLanes(source, statements.key, options.lanes ?? 1, statements.sourceTable, selection);
    if (lanes.length > 1) {
      details.lanes = lanes.length;
    }
    const loop = await runLanes(lanes, options, (lane, laneOptions) => {
      const laneStatements = new BatchStatements(
        source.dialect,
        table,
        source.schema,
        archive.schema,
        withinLane(selection, statements.key, lane),
      );
      const format = serverSide ? null : this.copyFormat(options, laneStatements, table, lines);
      // A lost connection: fresh sessions, and the lane goes on after its last committed batch.
      return withReconnects(
        (attempt) =>
          this.withMover(options, laneStatements, format, lanes.length, (mover) =>
            runBatchLoop(this.batchSource(mover, blocked), {
              ...options,
              ...laneOptions,
              ...attempt,
              table: table.name,
              // Rows that travel through this process: weigh a first batch of at most this many before
              // sizing the next ones to MAX_BATCH_BYTES.
              firstBatchCap: serverSide ? undefined : FIRST_COPY_BATCH,
            }),
          ),
        { ...laneOptions, terminate: options.terminate, table: table.name },
      );
    });
    const blockedKeys = blocked.sample.map(reportableKey);
    if (blocked.count > 0) {
      details.blockedKeyCount = blocked.count;
      details.blockedKeys = blockedKeys;
    }
    return loopResult(
      loop,
      details,
      blocked.count > 0
        ? `${blocked.count} rows of "${table.name}" were not archived because rows of other tables still reference them ` +
            `(foreign key); they stay in the source, everything else was archived. First keys: ` +
            JSON.stringify(blockedKeys.slice(0, 10).map((key) => (key?.length === 1 ? key[0] : key)))
        : null,
    );
  }

  /**
   * Opens the sessions a transfer needs and hands the mover to `work`. Both transfers overlap
   * batches on extra sessions where the pools have them (not SQLite: one connection per file) and
   * where the key's order is exact (KeyColumns.orderIsExact; else one batch at a time). The copy
   * path: a second source session reads the next batch while the current one is written, and a
   * single-lane run also writes the next batch while the current one commits (a third source
   * session and a second archive session). The server-side path: a single-lane run moves the next
   * batch on a second session while the current one is moved (not when tuning batch sizes). Lanes
   * already overlap batches, and each lane's sessions come from the same pools. None of this when
   * the run pauses between batches: the batch under way ahead would hold its locks through the pause.
   */
  private async withMover<T>(
    options: ArchivalRunOptions,
    statements: BatchStatements,
    /** How rows travel through this process; null: they move inside the server. */
    format: CopyFormat | null,
    laneCount: number,
    work: (mover: BatchMover) => Promise<T>,
  ): Promise<T> {
    const { source, archive, runId, hooks } = options;
    const sessionOptions = { terminate: options.terminate };
    const archivedAt = () => archive.dialect.formatTimestamp(new Date());
    const run = async (mover: BatchMover) => {
      try {
        return await work(mover);
      } finally {
        await mover.finish();
      }
    };
    // Each side's sessions are taken as one group (see withSessionGroup), never more than its pool holds.
    const readAhead = !options.sleepBetweenBatchesMs && source.maxSessions >= 2 && statements.key.orderIsExact;
    if (!format) {
      // Not with batch tuning either: it sizes batches by the time a batch takes, and a batch moved
      // while the one before it finished would seem to take half the time its transaction is open.
      const sessions = readAhead && laneCount === 1 && !options.targetBatchMs ? 2 : 1;
      return withSessionGroup(
        source,
        sessions,
        (sources) => run(new ServerSideMover(statements, sources, runId, archivedAt, hooks)),
        sessionOptions,
      );
    }
    const pipelined = readAhead && laneCount === 1 && source.maxSessions >= 3 && archive.maxSessions >= 2;
    const sourceSessions = pipelined ? 3 : readAhead ? 2 : 1;
    return withSessionGroup(
      source,
      sourceSessions,
      (sources) =>
        withSessionGroup(
          archive,
          pipelined ? 2 : 1,
          (archives) => run(new CopyMover(statements, sources, archives, runId, archivedAt, format, hooks)),
          sessionOptions,
        ),
      sessionOptions,
    );
  }

  /** Lines where `canCopyLines` found them usable; values, written by `writerFor`, everywhere else. */
  private copyFormat(
    options: ArchivalRunOptions,
    statements: BatchStatements,
    table: TableSchema,
    lines: boolean,
  ): CopyFormat {
    return lines
      ? new LineCopyFormat(statements, table)
      : new ValueCopyFormat(statements, this.writerFor(options, statements));
  }

  /** LOAD DATA into MySQL/MariaDB archives unless told otherwise; the portable upsert everywhere else. */
  private writerFor(options: ArchivalRunOptions, statements: BatchStatements): ArchiveWriter {
    return options.archive.dialect.engine === 'mysql' && options.archiveWrite !== 'upsert'
      ? new LoadDataWriter(statements)
      : new UpsertWriter(statements);
  }

  /** The loop's batches from a mover; when a foreign key blocks a batch's delete, the rows that can move still move. */
  private batchSource(mover: BatchMover, blocked: BlockedKeys): BatchSource {
    return {
      next: (after, limit) => this.step(mover, after, limit, blocked),
      finish: async () => stepOf(await mover.finish()),
    };
  }

  private async step(
    mover: BatchMover,
    after: unknown[] | null,
    limit: number,
    blocked: BlockedKeys,
  ): Promise<BatchStep | null> {
    try {
      return stepOf(await mover.next(after, limit));
    } catch (error) {
      if (!(error instanceof ForeignKeyBlockedError)) {
        throw error;
      }
      const rows = await this.isolateBlocked(mover, error.keys, blocked);
      return { rows, lastKey: error.keys[error.keys.length - 1] };
    }
  }

  /**
   * Bisects a batch whose delete hit a foreign key: halves that delete cleanly are moved, single
   * rows that still fail are recorded as blocked. k blocked rows cost about k·log2(batch) retries.
   */
  private async isolateBlocked(mover: BatchMover, keys: unknown[][], blocked: BlockedKeys): Promise<number> {
    if (keys.length === 1) {
      try {
        return (await mover.only(keys)).moved;
      } catch (error) {
        if (error instanceof ForeignKeyBlockedError) {
          blocked.add(keys[0]);
          return 0;
        }
        throw error;
      }
    }
    const middle = Math.ceil(keys.length / 2);
    let moved = 0;
    for (const half of [keys.slice(0, middle), keys.slice(middle)]) {
      try {
        moved += (await mover.only(half)).moved;
      } catch (error) {
        if (!(error instanceof ForeignKeyBlockedError)) {
          throw error;
        }
        moved += await this.isolateBlocked(mover, half, blocked);
      }
    }
    return moved;
  }

  private async dryRun(
    options: ArchivalRunOptions,
    table: TableSchema,
    statements: BatchStatements,
    cutoff: string,
  ): Promise<EngineRunResult> {
    const plan = await options.archive.withSession((session) =>
      this.tables.plan(session, options.archive.schema, table, options.policy.dateColumn),
    );
    if (plan.problems.length > 0) {
      throw new EngineError(
        `the archive table "${table.name}" cannot receive the source rows: ${plan.problems.join('; ')}`,
      );
    }
    const count = statements.countQualifying();
    const rows = await options.source.withSession((session) => countRows(session, count.sql, count.params));
    return countedResult(rows, options.batchSize, {
      archiveCutoff: cutoff,
      archiveTableExists: plan.exists,
      schemaChanges: plan.statements,
    });
  }

  private async useServerSide(
    options: ArchivalRunOptions,
    source: SqlClient,
    archive: SqlClient,
    table: string,
  ): Promise<boolean> {
    const mode = options.transfer ?? 'auto';
    if (mode === 'copy') {
      return false;
    }
    const shared = await shareServer(source, archive, table);
    if (mode === 'server-side' && !shared) {
      throw new EngineError(
        'server-side transfer needs source and archive on the same MySQL/MariaDB server, reachable with the source login',
      );
    }
    return shared;
  }
}

function stepOf(moved: MovedBatch | null): BatchStep | null {
  return moved && { rows: moved.moved, lastKey: moved.keys[moved.keys.length - 1], bytes: moved.bytes };
}

export async function countRows(session: SqlSession, sql: string, params: unknown[]): Promise<number> {
  const [row] = await session.query<{ n: unknown }>(sql, params);
  return Number(row.n);
}
