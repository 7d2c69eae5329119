import { appendFileSync } from 'node:fs';
import { Connection } from 'mysql2/promise';
import { DatabaseRef, connect, qualified, quoteId, sameServer } from '../db';
import { Job, MoveContext, MoveOutcome, Mover, Topology } from './mover';

const ARCHIVE_PROCEDURE = 'das_bench_archive_floor';
const PURGE_PROCEDURE = 'das_bench_purge_floor';

/**
 * The loop both procedures share: find the upper id of the next `p_batch` rows older than the
 * cutoff (the same batches pt-archiver and DAS form), hand that id range to `batchWork` inside one
 * transaction, commit, go on after it. `batchWork` adds its row count to `p_rows`.
 */
function batchLoopProcedure(name: string, db: string, from: string, dateColumn: string, batchWork: string): string {
  const older = `${quoteId(dateColumn)} < p_cutoff`;
  return `CREATE OR REPLACE PROCEDURE ${quoteId(db)}.${quoteId(name)}(
  IN p_cutoff DATETIME(6), IN p_batch INT, OUT p_rows BIGINT, OUT p_batches INT)
BEGIN
  DECLARE v_last BIGINT UNSIGNED DEFAULT 0;
  DECLARE v_hi BIGINT UNSIGNED;
  SET p_rows = 0, p_batches = 0;
  batches: LOOP
    SELECT MAX(id) INTO v_hi FROM (
      SELECT id FROM ${from} FORCE INDEX (PRIMARY)
      WHERE id > v_last AND ${older}
      ORDER BY id LIMIT p_batch) AS b;
    IF v_hi IS NULL THEN
      LEAVE batches;
    END IF;
    START TRANSACTION;
    ${batchWork.replace(/\$RANGE/g, `id > v_last AND id <= v_hi AND ${older}`)}
    COMMIT;
    SET v_last = v_hi, p_batches = p_batches + 1;
  END LOOP;
END`;
}

/** Archive: INSERT … SELECT + DELETE per batch, one transaction each; no row leaves the server. */
export function archiveFloorProcedure(
  source: { database: string; table: string },
  archive: typeof source,
  dateColumn: string,
) {
  return batchLoopProcedure(
    ARCHIVE_PROCEDURE,
    archive.database,
    qualified(source),
    dateColumn,
    `INSERT INTO ${qualified(archive)} SELECT * FROM ${qualified(source)} WHERE $RANGE;
    SET p_rows = p_rows + ROW_COUNT();
    DELETE FROM ${qualified(source)} WHERE $RANGE;`,
  );
}

/** Purge: one ranged DELETE per batch. */
export function purgeFloorProcedure(archive: { database: string; table: string }, dateColumn: string) {
  return batchLoopProcedure(
    PURGE_PROCEDURE,
    archive.database,
    qualified(archive),
    dateColumn,
    `DELETE FROM ${qualified(archive)} WHERE $RANGE;
    SET p_rows = p_rows + ROW_COUNT();`,
  );
}

/**
 * The "physical limit": the same batches done by a stored procedure called once from one session.
 * A client-side tool has to fetch every row and send it back, so on one server it can approach
 * this figure but not beat it. With source and archive on different servers there is no such
 * reference for archiving (n/a); purging happens on one server in either topology.
 */
export class SqlFloorMover implements Mover {
  readonly name = 'floor';
  readonly archiveTable = 'like-source';

  notApplicable(job: Job, topology: Topology): string | null {
    return job === 'archive' && topology === 'two'
      ? 'source and archive are on different servers: no server-side INSERT … SELECT'
      : null;
  }

  async unavailable(): Promise<string | null> {
    return null;
  }

  async move(context: MoveContext): Promise<MoveOutcome> {
    const source = { database: context.source.database, table: context.table };
    const archive = { database: context.archive.database, table: context.table };
    const job = context.job;
    if (job === 'archive' && !sameServer(context.source.server, context.archive.server)) {
      throw new Error('the archive floor needs source and archive on one server');
    }
    const ddl =
      job === 'archive'
        ? archiveFloorProcedure(source, archive, context.dateColumn)
        : purgeFloorProcedure(archive, context.dateColumn);
    const name = job === 'archive' ? ARCHIVE_PROCEDURE : PURGE_PROCEDURE;
    const session = await openSession(context.archive);
    try {
      await session.query(ddl);
      const started = performance.now();
      let error: string | null = null;
      let reported: { rows: number; batches: number } | null = null;
      try {
        await session.query(`CALL ${quoteId(context.archive.database)}.${quoteId(name)}(?, ?, @rows, @batches)`, [
          context.cutoff,
          context.batchSize,
        ]);
        const [rows] = await session.query('SELECT @rows AS rows_, @batches AS batches');
        const row = (rows as Array<{ rows_: string; batches: string }>)[0];
        reported = { rows: Number(row.rows_), batches: Number(row.batches) };
      } catch (failure) {
        error = (failure as Error).message;
      }
      const seconds = (performance.now() - started) / 1000;
      appendFileSync(context.logFile, `${ddl}\n-- CALL: ${JSON.stringify(reported)} error=${error} ${seconds} s\n`);
      return { seconds, error, batches: reported?.batches };
    } finally {
      await session.end();
    }
  }
}

/** A session of its own, like a client that connects and calls the procedure. */
function openSession(db: DatabaseRef): Promise<Connection> {
  return connect(db.server, db.database);
}
