import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../credential-rules';

export class SetPermissionsDto {
  /**
   * The complete list of source tables the user may read; replaces the previous list (`[]` revokes all).
   * `orders` is that table on every connection, `shop_eu/orders` on that source connection only.
   * A table not held yet must have a policy or exist in a source connection (for `shop_eu/orders`:
   * in that one). The user's tokens
   * end (within TOKEN_CHECK_CACHE_MS): they log in again to get the new list.
   * @example ["orders"]
   */
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(TABLE_NAME_PATTERN, { each: true, message: TABLE_NAME_RULE })
  tables: string[];

  /**
   * Also grant tables that have no policy and do not exist in the source yet (say, a table whose
   * policy comes later). Without it, such a name is refused as a probable typo.
   * @example false
   */
  @IsOptional()
  @IsBoolean()
  allowMissing?: boolean;
}
