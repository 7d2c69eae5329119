import { AppConfig } from '../config/app-config';
import { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { AuthenticatedUser } from './authenticated-user';
import { RevokedTokens } from './revoked-tokens.service';
import { TokenFreshness } from './token-freshness.service';

/** A control database of one user, changed behind the cache's back as another process would. */
function setUp() {
  const stored = { id: 7, username: 'bob', disabled: false, tokenVersion: 1 };
  let reads = 0;
  const users = {
    onTokenStateChange: () => undefined,
    findById: async () => {
      reads += 1;
      return stored as unknown as User;
    },
  } as unknown as UsersService;
  const revoked = { isRevoked: async () => false } as unknown as RevokedTokens;
  const config = { jwt: { checkCacheMs: 5_000 } } as unknown as AppConfig;
  const freshness = new TokenFreshness(users, revoked, config);
  const caller = (version: number): AuthenticatedUser => ({
    id: 7,
    username: 'bob',
    role: 'user',
    permissions: [],
    token: { id: `jti-${version}`, version, expiresAt: new Date(Date.now() + 60_000) },
  });
  return { stored, freshness, caller, reads: () => reads };
}

describe('TokenFreshness', () => {
  it('accepts a token issued after the cached entry (changed by another process), reading the user again', async () => {
    const { stored, freshness, caller, reads } = setUp();
    await expect(freshness.isCurrent(caller(1))).resolves.toBe(true);
    stored.tokenVersion = 2; // e.g. `user:grant` from the CLI, then a login through this process
    await expect(freshness.isCurrent(caller(2))).resolves.toBe(true);
    expect(reads()).toBe(2);
  });

  it('refuses the older token once the newer one has refreshed the entry', async () => {
    const { stored, freshness, caller } = setUp();
    await freshness.isCurrent(caller(1));
    stored.tokenVersion = 2;
    await freshness.isCurrent(caller(2));
    await expect(freshness.isCurrent(caller(1))).resolves.toBe(false);
  });

  it('keeps answering a current token from the cache', async () => {
    const { freshness, caller, reads } = setUp();
    await freshness.isCurrent(caller(1));
    await freshness.isCurrent(caller(1));
    expect(reads()).toBe(1);
  });

  it('refuses a token whose version the user never had', async () => {
    const { freshness, caller } = setUp();
    await expect(freshness.isCurrent(caller(3))).resolves.toBe(false);
  });
});
