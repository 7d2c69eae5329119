import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { User } from '../users/entities/user.entity';
import { AccessTokenClaims, parseAccessTokenClaims } from './access-token-claims';
import { AuthenticatedUser } from './authenticated-user';

/** The only algorithm DAS signs with and accepts; naming it stops `alg: none` and key-confusion tricks. */
const ALGORITHM = 'HS256';

/** Issues and verifies the HS256 access tokens. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.jwt.expiresInSeconds;
  }

  /** Roles and permissions are copied into the token: they stay as they are until the next login. */
  issue(user: Pick<User, 'id' | 'username' | 'role' | 'permissions'>): Promise<string> {
    const claims: Omit<AccessTokenClaims, 'iat' | 'exp'> = {
      sub: String(user.id),
      username: user.username,
      role: user.role,
      permissions: [...user.permissions],
    };
    return this.jwt.signAsync(claims, {
      secret: this.config.jwt.secret,
      algorithm: ALGORITHM,
      expiresIn: this.lifetimeSeconds,
    });
  }

  /** The caller, or null when the token is forged, expired, or its claims are malformed. */
  async verify(token: string): Promise<AuthenticatedUser | null> {
    try {
      const payload: unknown = await this.jwt.verifyAsync(token, {
        secret: this.config.jwt.secret,
        algorithms: [ALGORITHM],
      });
      return parseAccessTokenClaims(payload);
    } catch {
      return null;
    }
  }
}
