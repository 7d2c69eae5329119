import { Role } from '../users/entities/user.entity';

/** The token a request came with, as far as revoking it needs. */
export interface PresentedToken {
  /** The token's `jti`: what POST /auth/logout revokes. */
  readonly id: string;
  /** The user's token version when it was issued (`ver`); refused once the user's has moved on. */
  readonly version: number;
  /** The token's `exp`: a revocation need not be remembered beyond it. */
  readonly expiresAt: Date;
}

/**
 * The caller of a protected route, taken from a verified access token (see JwtStrategy). Role and
 * permissions are those the token was issued with; a token whose user has changed since is
 * refused (decision 011), so they are never staler than TOKEN_CHECK_CACHE_MS.
 */
export interface AuthenticatedUser {
  /** Users.id (the token's `sub`, a decimal string, parsed). */
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  /** Source table names whose archives this user may read. */
  readonly permissions: readonly string[];
  readonly token: PresentedToken;
}
