import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';
import { TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../credential-rules';

export class SetPermissionsDto {
  /**
   * The complete list of source tables the user may read; replaces the previous list (`[]` revokes all).
   * Takes effect at the user's next login.
   * @example ["orders"]
   */
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(TABLE_NAME_PATTERN, { each: true, message: TABLE_NAME_RULE })
  tables: string[];
}
