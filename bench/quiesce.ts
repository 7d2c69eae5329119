import { Connection } from 'mysql2/promise';
import { scalarNumber } from './db';

export interface QuiesceResult {
  seconds: number;
  dirtyPages: number;
  historyLength: number;
  /** False when the wait hit its limit, or the server refused SET GLOBAL (not our server). */
  settled: boolean;
}

const status = (conn: Connection, name: string) =>
  scalarNumber(conn, 'SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = ?', [name]);

/**
 * Seeding leaves dirty pages and purge work behind; InnoDB would do that work in the background
 * during the next timed run and slow whichever mover happens to be next. So before each run, ask
 * InnoDB to flush eagerly and wait (bounded) until the buffer pool is clean and the undo history
 * purged, then restore the server's own flushing settings.
 */
export async function quiesce(conn: Connection, maxWaitSeconds = 180): Promise<QuiesceResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const oldPct = await scalarNumber(conn, 'SELECT @@GLOBAL.innodb_max_dirty_pages_pct');
  const oldLwm = await scalarNumber(conn, 'SELECT @@GLOBAL.innodb_max_dirty_pages_pct_lwm');
  try {
    await conn.query('SET GLOBAL innodb_max_dirty_pages_pct_lwm = 0.001, GLOBAL innodb_max_dirty_pages_pct = 0.001');
  } catch {
    return { seconds: elapsed(), dirtyPages: -1, historyLength: -1, settled: false };
  }
  try {
    for (;;) {
      const dirtyPages = await status(conn, 'INNODB_BUFFER_POOL_PAGES_DIRTY');
      const historyLength = await status(conn, 'INNODB_HISTORY_LIST_LENGTH');
      const settled = dirtyPages < 200 && historyLength < 1000;
      if (settled || elapsed() >= maxWaitSeconds) {
        return { seconds: elapsed(), dirtyPages, historyLength, settled };
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await conn.query('SET GLOBAL innodb_max_dirty_pages_pct = ?, GLOBAL innodb_max_dirty_pages_pct_lwm = ?', [
      oldPct,
      oldLwm,
    ]);
  }
}
