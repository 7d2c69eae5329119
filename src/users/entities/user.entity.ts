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

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
