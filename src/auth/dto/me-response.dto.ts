import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../users/entities/user.entity';

/** The caller's token claims: what the service will let them do until the token expires. */
export class MeResponseDto {
  /** User id, as in the token's `sub` claim. */
  sub: string;
  username: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  /** Tables this token may read; changes made by an admin appear after the next login. */
  permissions: string[];
}
