import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';

export type Role = 'admin' | 'user';
export const ROLES: readonly Role[] = ['admin', 'user'];

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** Source table names this user may read archives of. */
  @Column({ type: 'text', transformer: jsonText })
  permissions: string[];

  /** A disabled user cannot log in, and their tokens are refused. */
  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /**
   * Goes up with every change to the user's rights or credentials (role, permissions, password,
   * disabled, revoke-tokens): a token carries the version it was issued with and is refused once
   * the two differ (decision 011).
   */
  @Column({ name: 'token_version', type: 'int', default: 1 })
  tokenVersion: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
