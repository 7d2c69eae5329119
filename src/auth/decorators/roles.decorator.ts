import { SetMetadata } from '@nestjs/common';
import { Role } from '../../users/entities/user.entity';

export const ROLES_KEY = 'das:roles';

/** The caller's role must be one of these (checked by RolesGuard). Prefer `@Auth({ roles })`. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
