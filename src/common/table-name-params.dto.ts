import { IsSqlIdentifier } from './sql-identifier';

/** Route parameters of /policies/{tableName}/… and /archives/{tableName}. */
export class TableNameParams {
  /**
   * A source table, spelled exactly as in the database.
   * @example orders
   */
  @IsSqlIdentifier()
  tableName: string;
}
