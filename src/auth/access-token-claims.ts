import { ROLES, Role } from '../users/entities/user.entity';
import { AuthenticatedUser } from './authenticated-user';

/** The JWT payload DAS issues (see CONTRACT.md, "Token claims"). */
export interface AccessTokenClaims {
  /** Users.id as a decimal string. */
  sub: string;
  username: string;
  role: Role;
  permissions: string[];
  /** Token id (random), what logout revokes. */
  jti: string;
  /** The user's token version at issue (decision 011). */
  ver: number;
  iat: number;
  exp: number;
}

/** Clocks of replicas and clients differ a little; a token issued further in the future is forged. */
export const CLOCK_SKEW_SECONDS = 30;

const JTI = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Checks the shape of a verified payload. A valid signature only says the token came from whoever
 * holds the secret; the claims still decide what the caller may do, so anything odd is refused
 * rather than half-trusted: a missing `exp` (jsonwebtoken accepts tokens without one), an `iat`
 * in the future (jsonwebtoken does not look), a token without id or version (issued before
 * tokens could be revoked).
 */
export function parseAccessTokenClaims(payload: unknown, nowSeconds: number): AuthenticatedUser | null {
  if (typeof payload !== 'object' || payload === null) {
    return null;
  }
  const claims = payload as Partial<Record<keyof AccessTokenClaims, unknown>>;
  const validSub = typeof claims.sub === 'string' && /^[1-9]\d{0,15}$/.test(claims.sub);
  const validPermissions =
    Array.isArray(claims.permissions) && claims.permissions.every((table) => typeof table === 'string');
  const validTimes =
    Number.isSafeInteger(claims.iat) &&
    Number.isSafeInteger(claims.exp) &&
    (claims.iat as number) <= nowSeconds + CLOCK_SKEW_SECONDS &&
    (claims.exp as number) > (claims.iat as number);
  if (
    !validSub ||
    typeof claims.username !== 'string' ||
    claims.username === '' ||
    !ROLES.includes(claims.role as Role) ||
    !validPermissions ||
    !validTimes ||
    typeof claims.jti !== 'string' ||
    !JTI.test(claims.jti) ||
    !Number.isSafeInteger(claims.ver) ||
    (claims.ver as number) < 1
  ) {
    return null;
  }
  return {
    id: Number(claims.sub),
    username: claims.username,
    role: claims.role as Role,
    permissions: claims.permissions as string[],
    token: { id: claims.jti, version: claims.ver as number, expiresAt: new Date((claims.exp as number) * 1000) },
  };
}
