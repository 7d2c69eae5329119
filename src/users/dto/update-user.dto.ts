import { IsBoolean } from 'class-validator';

/** Body of PATCH /users/{username}: the account's lifecycle (roles and permissions have their own routes). */
export class UpdateUserDto {
  /**
   * `true` disables the account: it cannot log in and its tokens are refused (within
   * TOKEN_CHECK_CACHE_MS); `false` enables it again.
   * @example true
   */
  @IsBoolean()
  disabled: boolean;
}
