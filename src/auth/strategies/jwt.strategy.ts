import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { ACCESS_TOKEN_ALGORITHM } from '../access-token.service';
import { parseAccessTokenClaims } from '../access-token-claims';
import { AuthenticatedUser } from '../authenticated-user';
import { TokenFreshness } from '../token-freshness.service';

export const INVALID_TOKEN = 'Invalid or expired token: log in again at POST /api/v1/auth/login';
export const STALE_TOKEN =
  'Token no longer valid (logged out, or the account was changed, disabled or deleted): ' +
  'log in again at POST /api/v1/auth/login';

/**
 * passport-jwt checks the bearer token's signature with HS256 only (so `alg: none` and other
 * algorithms are refused whatever their spelling), its `exp` and `nbf`; `validate` then checks the
 * claims' shape and that the token still speaks for its user, and returns the caller that becomes
 * `request.user`.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly freshness: TokenFreshness,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<AuthenticatedUser> {
    const caller = parseAccessTokenClaims(payload, Math.floor(Date.now() / 1000));
    if (!caller) {
      throw new UnauthorizedException(INVALID_TOKEN);
    }
    if (!(await this.freshness.isCurrent(caller))) {
      throw new UnauthorizedException(STALE_TOKEN);
    }
    return caller;
  }
}
