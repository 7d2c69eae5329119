import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ForbiddenError, UnauthenticatedError } from '../common/domain-error';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../users/password-hasher';
import { AccessTokenService } from './access-token.service';
import { AuthenticatedUser } from './authenticated-user';
import { TokenResponseDto } from './dto/token-response.dto';
import { RevokedTokens } from './revoked-tokens.service';

/** One message for unknown users and wrong passwords, so a response never confirms a username exists. */
const BAD_CREDENTIALS = 'Invalid username or password';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
    private readonly revokedTokens: RevokedTokens,
    private readonly audit: AuditService,
  ) {}

  async login(username: string, password: string, clientIp: string | undefined): Promise<TokenResponseDto> {
    const user = await this.users.findByUsername(username);
    // Always verify (a dummy hash for unknown users) so timing does not tell the two failures apart.
    const valid = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !valid) {
      this.logger.warn(`Failed login for username "${username}" from ${clientIp ?? 'unknown address'}`);
      await this.audit.record({
        actor: 'anonymous',
        action: 'auth.login.failed',
        details: { username, ip: clientIp ?? null, reason: user ? 'wrong-password' : 'unknown-user' },
      });
      throw new UnauthenticatedError(BAD_CREDENTIALS);
    }
    if (user.disabled) {
      // Only said to whoever knows the password: it tells nothing new about which names exist.
      throw new ForbiddenError('This account is disabled: ask an admin to enable it');
    }
    return {
      access_token: await this.tokens.issue(user),
      token_type: 'Bearer',
      expires_in: this.tokens.lifetimeSeconds,
    };
  }

  /** Revokes the token of this request; the user's other tokens stay valid. */
  async logout(caller: AuthenticatedUser): Promise<void> {
    await this.revokedTokens.revoke(caller.token, caller.id);
    await this.audit.record({ actor: caller, action: 'auth.logout', details: { tokenId: caller.token.id } });
  }
}
