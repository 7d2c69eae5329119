import { SqlClient } from '../../database/sql-client';

/**
 * Whether source and archive are databases of the same MySQL/MariaDB server, and the source login
 * may read and write the archive table: then a batch can move inside the server, atomically.
 * Compared by what the servers say about themselves, not by host names (aliases, proxies).
 */
export async function shareServer(source: SqlClient, archive: SqlClient, table: string): Promise<boolean> {
  if (source.dialect.engine !== 'mysql' || archive.dialect.engine !== 'mysql') {
    return false;
  }
  const identity = 'SELECT @@hostname AS host, @@port AS port, @@datadir AS datadir';
  const [sourceId] = await source.withSession((s) => s.query<Record<string, unknown>>(identity));
  const [archiveId] = await archive.withSession((s) => s.query<Record<string, unknown>>(identity));
  if (JSON.stringify(sourceId) !== JSON.stringify(archiveId)) {
    return false;
  }
  const archiveTable = source.dialect.qualifiedTable(archive.schema, table);
  return source.withSession(async (session) => {
    try {
      await session.query(`SELECT 1 FROM ${archiveTable} LIMIT 0`);
      // A write the source login may not make fails here, inside a transaction that is rolled back.
      await session.begin();
      await session.execute(`DELETE FROM ${archiveTable} WHERE 1 = 0`);
      await session.execute(`INSERT INTO ${archiveTable} SELECT * FROM ${archiveTable} WHERE 1 = 0`);
      await session.rollback();
      return true;
    } catch {
      await session.rollback().catch(() => undefined);
      return false;
    }
  });
}
