import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { TtlCache } from '../common/ttl-cache';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { isUniqueViolation } from '../users/unique-violation';
import { PresentedToken } from './authenticated-user';
import { RevokedToken } from './entities/revoked-token.entity';

/** Token ids remembered per process; a busy server sees far fewer distinct tokens per 5 s. */
const MAX_CACHED_TOKENS = 10_000;

/**
 * The single tokens revoked before their expiry (logout), in the control database so that every
 * replica refuses them; each process caches an answer for TOKEN_CHECK_CACHE_MS at most.
 */
@Injectable()
export class RevokedTokens {
  private readonly cache: TtlCache<string, boolean>;

  constructor(
    @InjectRepository(RevokedToken, CONTROL_DB) private readonly revoked: Repository<RevokedToken>,
    config: AppConfig,
  ) {
    this.cache = new TtlCache(config.jwt.checkCacheMs, MAX_CACHED_TOKENS);
  }

  isRevoked(token: PresentedToken): Promise<boolean> {
    return this.cache.get(token.id, () => this.revoked.exists({ where: { jti: token.id } }));
  }

  /** Revokes one token until its expiry; entries of tokens that have expired since are dropped. */
  async revoke(token: PresentedToken, userId: number): Promise<void> {
    const now = new Date();
    await this.revoked.delete({ expiresAt: LessThan(now) });
    try {
      await this.revoked.insert({ jti: token.id, userId, expiresAt: token.expiresAt, revokedAt: now });
    } catch (error) {
      // Logged out twice at once (two replicas): revoked either way.
      if (!isUniqueViolation(error)) {
        throw error;
      }
    }
    this.cache.set(token.id, true);
  }
}
