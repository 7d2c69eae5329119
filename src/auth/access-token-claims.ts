import { ROLES, Role } from '../users/entities/user.entity';
import { AuthenticatedUser } from './authenticated-user';

/** The JWT payload DAS issues (see CONTRACT.md, "Token claims"). */
export interface AccessTokenClaims {
  /** Users.id as a decimal string. */
  sub: string;
  username: string;
  role: Role;
  permissions: string[];
  iat: number;
  exp: number;
}

/**
 * Checks the shape of a verified payload. A valid signature only says the token came from whoever
 * holds the secret; the claims still decide what the caller may do, so anything odd is refused
 * rather than half-trusted (missing `exp` included: jsonwebtoken accepts tokens without one).
 */
export function parseAccessTokenClaims(payload: unknown): AuthenticatedUser | null {
  if (typeof payload !== 'object' || payload === null) {
    return null;
  }
  const claims = payload as Partial<Record<keyof AccessTokenClaims, unknown>>;
  const validSub = typeof claims.sub === 'string' && /^[1-9]\d{0,15}$/.test(claims.sub);
  const validPermissions =
    Array.isArray(claims.permissions) && claims.permissions.every((table) => typeof table === 'string');
  if (
    !validSub ||
    typeof claims.username !== 'string' ||
    claims.username === '' ||
    !ROLES.includes(claims.role as Role) ||
    !validPermissions ||
    !Number.isInteger(claims.iat) ||
    !Number.isInteger(claims.exp)
  ) {
    return null;
  }
  return {
    id: Number(claims.sub),
    username: claims.username,
    role: claims.role as Role,
    permissions: claims.permissions as string[],
  };
}
