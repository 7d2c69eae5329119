import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../users/entities/user.entity';

/** The caller's token claims: what the service lets them do while the token is valid. */
export class MeResponseDto {
  /**
   * User id, as in the token's `sub` claim.
   * @example 2
   */
  sub: string;
  /** @example alice */
  username: string;
  @ApiProperty({ enum: ROLES, example: 'user' })
  role: Role;
  /**
   * Tables this token may read. A change made by an admin ends the token: the next one carries it.
   * @example ["orders"]
   */
  permissions: string[];
}
