import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, Role } from '../entities/user.entity';

export class SetRoleDto {
  /** The user's tokens end (within TOKEN_CHECK_CACHE_MS): the next one carries the new role. */
  @ApiProperty({ enum: ROLES, example: 'admin' })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;
}
