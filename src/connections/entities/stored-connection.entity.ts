import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../../database/column-transformers';
import type { ConnectionEngine, ConnectionRole } from '../connection-names';
import type { EncryptedSecret } from '../secret-cipher';

/**
 * A database connection managed through the API or the CLI (the env-configured `source` and
 * `archive` are not stored). Its password is only ever stored encrypted (see SecretCipher).
 */
@Entity({ name: 'connections' })
export class StoredConnection {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: ConnectionRole;

  @Column({ type: 'varchar', length: 16 })
  engine: ConnectionEngine;

  /** MySQL/MariaDB host; null for SQLite. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  host: string | null;

  @Column({ type: 'int', nullable: true })
  port: number | null;

  /** MySQL/MariaDB database name, or the SQLite file's absolute path. */
  @Column({ name: 'database_name', type: 'varchar', length: 1024 })
  database: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  username: string | null;

  /** AES-256-GCM ciphertext under ENCRYPTION_KEY; null when the connection has no password. */
  @Column({ name: 'password_encrypted', type: 'text', nullable: true })
  passwordEncrypted: EncryptedSecret | null;

  /** Driver options (connectionLimit, connectTimeout, ssl…), from the allowed list only. */
  @Column({ type: 'text', transformer: jsonText })
  options: Record<string, string | number | boolean>;

  /** Bumped by every change: pools are cached per (id, version), so an edit gets a fresh pool. */
  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
