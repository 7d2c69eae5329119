import { ApiProperty } from '@nestjs/swagger';
import { ApiIdProperty } from '../../openapi/integer-properties';
import { ROLES, Role } from '../entities/user.entity';

/** A user as the API shows it: never the password hash. */
export class UserDto {
  @ApiIdProperty(2)
  id: number;
  /** @example alice */
  username: string;
  @ApiProperty({ enum: ROLES, example: 'user' })
  role: Role;
  /**
   * Source tables whose archives this user may read.
   * @example ["orders"]
   */
  permissions: string[];
  /**
   * A disabled user cannot log in, and their tokens are refused.
   * @example false
   */
  disabled: boolean;
}
