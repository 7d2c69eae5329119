import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../users/credential-rules';

export class LoginDto {
  /** @example admin */
  @IsString()
  @Length(1, 64)
  username: string;

  /** @example choose-a-long-password */
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}
