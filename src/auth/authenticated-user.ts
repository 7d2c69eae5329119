import { Role } from '../users/entities/user.entity';

/**
 * The caller of a protected route, taken from a verified access token (see AccessTokenService).
 * Roles and permissions are those at login time: changes made by an admin apply at the next login.
 */
export interface AuthenticatedUser {
  /** Users.id (the token's `sub`, a decimal string, parsed). */
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  /** Source table names whose archives this user may read. */
  readonly permissions: readonly string[];
}
