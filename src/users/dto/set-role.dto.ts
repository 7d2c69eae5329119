import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, Role } from '../entities/user.entity';

export class SetRoleDto {
  /** Takes effect at the user's next login. */
  @ApiProperty({ enum: ROLES, example: 'admin' })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;
}
