export class QueryPlanDto {
  /** Name of a source index whose first column is the policy's date column, if any. */
  dateIndex: string | null;
  /** How a batch finds its rows: `primary-key` walks the key in order, filtering on the date. */
  strategy: 'primary-key';
  /** EXPLAIN of the batch query, one line per table access (MySQL/MariaDB: type, key, rows; SQLite: query plan). */
  explain: string[];
}

export class ArchiveTablePreviewDto {
  /** Whether the archive table exists yet (it is created by the first run). */
  exists: boolean;
  /** DDL the next run would apply to the archive table (create, new columns, widened types). */
  schemaChanges: string[];
  /** Schema differences that would stop the next run; empty when it can run. */
  problems: string[];
}

export class PolicyPreviewDto {
  tableName: string;
  /** The connection the rows are read from. */
  sourceConnection: string;
  /** The connection they would be archived to (and purged from). */
  archiveConnection: string;
  /** Rows with dateColumn before this instant (UTC) are archived. */
  archiveCutoff: string;
  /** Archived rows with dateColumn before this instant (UTC) are purged. */
  purgeCutoff: string;
  /** Source rows the next archive run would move (criteria applied, NULL dates excluded). */
  rowsToArchive: number;
  /** Archived rows the next purge would delete. */
  rowsToPurge: number;
  /**
   * Whether a batch reads its rows in key order straight from an index. False means every batch
   * sorts all old rows first: fine for small tables, a full scan per batch for big ones.
   */
  usesIndex: boolean;
  plan: QueryPlanDto;
  archiveTable: ArchiveTablePreviewDto;
}
