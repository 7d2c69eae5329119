import { ApiProperty } from '@nestjs/swagger';
import { ApiCountProperty } from '../../openapi/integer-properties';

export class QueryPlanDto {
  /**
   * Name of a source index whose first column is the policy's date column, if any.
   * @example idx_orders_created_at
   */
  dateIndex: string | null;
  /** How a batch finds its rows: `primary-key` walks the key in order, filtering on the date. */
  @ApiProperty({ enum: ['primary-key'], example: 'primary-key' })
  strategy: 'primary-key';
  /**
   * EXPLAIN of a batch's query in mid-run, one line per table access (MySQL/MariaDB: type, key,
   * rows; SQLite: query plan).
   * @example ["orders: access=range key=PRIMARY rows≈9990 (Using where)"]
   */
  explain: string[];
}

export class ArchiveTablePreviewDto {
  /**
   * Whether the archive table exists yet (it is created by the first run).
   * @example true
   */
  exists: boolean;
  /**
   * DDL the next run would apply to the archive table (create, new columns, widened types).
   * @example []
   */
  schemaChanges: string[];
  /**
   * Schema differences that would stop the next run; empty when it can run.
   * @example []
   */
  problems: string[];
}

export class PolicyPreviewDto {
  /** @example orders */
  tableName: string;
  /**
   * The connection the rows are read from.
   * @example source
   */
  sourceConnection: string;
  /**
   * The connection they would be archived to (and purged from).
   * @example archive
   */
  archiveConnection: string;
  /**
   * Rows with dateColumn before this instant (ISO 8601, UTC) are archived.
   * @example 2025-03-01T10:00:00.000Z
   */
  archiveCutoff: string;
  /**
   * Archived rows with dateColumn before this instant (ISO 8601, UTC) are purged.
   * @example 2024-03-01T10:00:00.000Z
   */
  purgeCutoff: string;
  /** Source rows the next archive run would move (criteria applied, NULL dates excluded). */
  @ApiCountProperty(20000)
  rowsToArchive: number;
  /** Archived rows the next purge would delete. */
  @ApiCountProperty(0)
  rowsToPurge: number;
  /**
   * Whether each table access of `plan.explain` goes through an index (MySQL/MariaDB: a key and no
   * filesort; SQLite: SEARCH or USING INDEX, no temporary B-tree). False means every batch scans or
   * sorts all old rows: fine for small tables, a full scan per batch for big ones.
   * @example true
   */
  usesIndex: boolean;
  plan: QueryPlanDto;
  archiveTable: ArchiveTablePreviewDto;
}
