import { IsOptional, Matches } from 'class-validator';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../connection-names';

/** `?connection=`: which source connection's policy a `{tableName}` route means. */
export class ConnectionQueryDto {
  /**
   * The policy's source connection; default `source`, the built-in one (SOURCE_DB_URL).
   * @example shop_eu
   */
  @IsOptional()
  @Matches(CONNECTION_NAME_PATTERN, { message: CONNECTION_NAME_RULE })
  connection?: string;
}
