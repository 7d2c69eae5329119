import { TestDatabases } from '../test-databases';

/** Checksums of every table of a MariaDB database, by table name. */
export type TableChecksums = Record<string, string>;

export interface DataFingerprint {
  control: TableChecksums;
  source: TableChecksums;
  archive: TableChecksums;
}

/**
 * What the three databases hold, as one checksum per table (MariaDB's CHECKSUM TABLE … EXTENDED
 * reads every row). `skipControl` leaves out control tables compared another way (the audit trail,
 * which legitimately grows).
 */
export async function fingerprint(databases: TestDatabases, skipControl: readonly string[]): Promise<DataFingerprint> {
  const checksums = async (
    schema: string,
    query: TestDatabases['control'],
    skip: readonly string[] = [],
  ): Promise<TableChecksums> => {
    const tables = await query<{ name: string }>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [schema],
    );
    const result: TableChecksums = {};
    for (const { name } of tables.filter((table) => !skip.includes(table.name))) {
      const [row] = await query<{ Checksum: unknown }>(`CHECKSUM TABLE \`${name}\` EXTENDED`);
      result[name] = String(row.Checksum);
    }
    return result;
  };
  return {
    control: await checksums(databases.names.control, databases.control, skipControl),
    source: await checksums(databases.names.source, databases.source),
    archive: await checksums(databases.names.archive, databases.archive),
  };
}
