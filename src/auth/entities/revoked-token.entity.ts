import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A single token revoked before its expiry (POST /auth/logout), by its `jti`. Kept only until the
 * token would have expired anyway: after that, the signature check refuses it by itself.
 */
@Entity({ name: 'revoked_tokens' })
@Index('idx_revoked_tokens_expires', ['expiresAt'])
export class RevokedToken {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti: string;

  @Column({ name: 'user_id', type: 'int' })
  userId: number;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime' })
  revokedAt: Date;
}
