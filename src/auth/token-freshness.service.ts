import { Injectable } from '@nestjs/common';
import { TtlCache } from '../common/ttl-cache';
import { AppConfig } from '../config/app-config';
import { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { AuthenticatedUser } from './authenticated-user';
import { RevokedTokens } from './revoked-tokens.service';

/** Users remembered per process. */
const MAX_CACHED_USERS = 10_000;

type TokenHolder = Pick<User, 'username' | 'disabled' | 'tokenVersion'>;

/**
 * Whether a well-signed token still speaks for its user: the user exists, is enabled, has the
 * token version the token was issued with (any change to their rights raises it), and the token
 * was not logged out. Answers come from the control database, cached per process for
 * TOKEN_CHECK_CACHE_MS (≤ 5 s); changes made by this process drop its cache entry at once.
 */
@Injectable()
export class TokenFreshness {
  private readonly holders: TtlCache<number, TokenHolder | null>;

  constructor(
    private readonly users: UsersService,
    private readonly revokedTokens: RevokedTokens,
    config: AppConfig,
  ) {
    this.holders = new TtlCache(config.jwt.checkCacheMs, MAX_CACHED_USERS);
    users.onTokenStateChange((userId) => this.holders.delete(userId));
  }

  async isCurrent(caller: AuthenticatedUser): Promise<boolean> {
    const load = () => this.loadHolder(caller.id);
    let holder = await this.holders.get(caller.id, load);
    if (isNewerThan(caller, holder)) {
      // The token was issued after this entry was cached (another process changed the user and
      // issued it, e.g. a grant by the CLI then a login): the entry is stale, not the token.
      this.holders.delete(caller.id);
      holder = await this.holders.get(caller.id, load);
    }
    return (
      holder !== null &&
      holder.username.toLowerCase() === caller.username.toLowerCase() &&
      !holder.disabled &&
      holder.tokenVersion === caller.token.version &&
      !(await this.revokedTokens.isRevoked(caller.token))
    );
  }

  private async loadHolder(userId: number): Promise<TokenHolder | null> {
    const user = await this.users.findById(userId);
    return user && { username: user.username, disabled: Boolean(user.disabled), tokenVersion: user.tokenVersion };
  }
}

/** A token can only carry a version its user had when it was issued: a higher one means the cache is behind. */
function isNewerThan(caller: AuthenticatedUser, holder: TokenHolder | null): boolean {
  return holder === null || holder.tokenVersion < caller.token.version;
}
