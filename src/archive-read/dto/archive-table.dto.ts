import { ApiProperty } from '@nestjs/swagger';
import type { FilterKind } from '../column-filters';

const FILTER_KINDS: FilterKind[] = ['eq', 'prefix'];

/** An archive table the caller may read: one per policy. */
export class ArchiveTableDto {
  /**
   * The source table (and archive table) name.
   * @example orders
   */
  tableName: string;
  /**
   * The policy's source connection: pass it as `?connection=` where the same table name is archived from several.
   * @example source
   */
  connection: string;
  /**
   * The connection holding the archive table.
   * @example archive
   */
  archiveConnection: string;
  /**
   * The policy's date column: what `from`/`to` filter on.
   * @example created_at
   */
  dateColumn: string;
  /** Primary-key columns of the archive table, in key order (rows come in this order); [] until the first run creates it. */
  @ApiProperty({ type: [String], example: ['id'] })
  primaryKey: string[];
  /**
   * Whether the archive table exists (a policy's first run creates it); null when its connection cannot be reached now.
   * @example true
   */
  archived: boolean | null;
}

/** A column of an archive table, and how the read can filter on it. */
export class ArchiveColumnDto {
  /**
   * Column name, exactly as in the database.
   * @example customer_email
   */
  name: string;
  /**
   * The type as the database declares it.
   * @example varchar(255)
   */
  type: string;
  /**
   * Whether the column can hold NULL (every non-key column of an archive table can).
   * @example true
   */
  nullable: boolean;
  /**
   * Filters the read takes on this column: `eq` (`filter[column]=`) and `prefix` (`prefix[column]=`, string
   * columns); none for a column that leads no index, or of a type filters do not compare (JSON, BLOB, BIT).
   */
  @ApiProperty({ enum: FILTER_KINDS, isArray: true, example: ['eq', 'prefix'] })
  filters: FilterKind[];
}

/** The live columns of an archive table. */
export class ArchiveColumnsDto {
  /** @example orders */
  tableName: string;
  /**
   * The source connection the table is archived from (`source` for a table without a policy).
   * @example source
   */
  connection: string;
  /** @example archive */
  archiveConnection: string;
  /**
   * The policy's date column (what `from`/`to` filter on); null for a table without a policy any more.
   * @example created_at
   */
  dateColumn: string | null;
  @ApiProperty({ type: [String], example: ['id'] })
  primaryKey: string[];
  /** Every column in table order, `archived_at` and `archive_run_id` included. */
  columns: ArchiveColumnDto[];
}
