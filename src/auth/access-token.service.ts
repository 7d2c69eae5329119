import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { User } from '../users/entities/user.entity';
import { AccessTokenClaims } from './access-token-claims';

/** The only algorithm DAS signs with and accepts; naming it stops `alg: none` and key-confusion tricks. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/** Issues the HS256 access tokens (JwtStrategy verifies them). */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.jwt.expiresInSeconds;
  }

  /**
   * Role and permissions are copied into the token, with the user's token version: any later
   * change to them raises the version, and the token is refused from then on (decision 011).
   */
  issue(user: Pick<User, 'id' | 'username' | 'role' | 'permissions' | 'tokenVersion'>): Promise<string> {
    const claims: Omit<AccessTokenClaims, 'iat' | 'exp'> = {
      sub: String(user.id),
      username: user.username,
      role: user.role,
      permissions: [...user.permissions],
      jti: randomBytes(16).toString('base64url'),
      ver: user.tokenVersion,
    };
    return this.jwt.signAsync(claims, {
      secret: this.config.jwt.secret,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      expiresIn: this.lifetimeSeconds,
    });
  }
}
