import { ROLES, Role } from '../entities/user.entity';
import { ApiProperty } from '@nestjs/swagger';

/** A user as the API shows it: never the password hash. */
export class UserDto {
  id: number;
  username: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  /** Source tables whose archives this user may read (takes effect at the user's next login). */
  permissions: string[];
}
