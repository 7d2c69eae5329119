import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '../../users/credential-rules';

export class ChangePasswordDto {
  /**
   * The password in use now.
   * @example alice-password-1
   */
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword: string;

  /**
   * At least 8 characters (at most 256).
   * @example alice-password-2
   */
  @IsString({ message: PASSWORD_RULE })
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: PASSWORD_RULE })
  newPassword: string;
}
