import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsString, Length, Matches } from 'class-validator';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from '../../users/credential-rules';

export class SignupDto {
  /**
   * 3 to 64 characters: letters, digits, `_`, `.` or `-`. Case-insensitive: `Alice` and `alice` are the same user.
   * @example alice
   */
  @ApiProperty({ pattern: USERNAME_PATTERN.source })
  @IsString({ message: USERNAME_RULE })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  /**
   * At least 8 characters (at most 256).
   * @example alice-password-1
   */
  @IsString({ message: PASSWORD_RULE })
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: PASSWORD_RULE })
  password: string;

  // Accepted so that older clients sending them are not refused by the strict validation,
  // and deliberately ignored: signup never chooses its own role or permissions.
  @ApiPropertyOptional({
    description: 'Ignored: new users are always plain users. Admins change roles later.',
    type: 'string',
  })
  @Allow()
  role?: unknown;

  @ApiPropertyOptional({
    description: 'Ignored: new users start without table permissions. Admins grant them later.',
    type: [String],
  })
  @Allow()
  permissions?: unknown;
}
