import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { EncryptionKeyError } from './connection-errors';
import { ConnectionSecrets } from './connection-secrets';
import { StoredConnection } from './entities/stored-connection.entity';

/**
 * At start (service and CLI): every stored password must decrypt under ENCRYPTION_KEY, so that a
 * missing or wrong key stops the start with a message naming the variable, instead of failing
 * each run later. Without stored passwords, no key is needed.
 */
@Injectable()
export class EncryptionKeyCheck implements OnModuleInit {
  constructor(
    @InjectRepository(StoredConnection, CONTROL_DB) private readonly stored: Repository<StoredConnection>,
    private readonly secrets: ConnectionSecrets,
  ) {}

  async onModuleInit(): Promise<void> {
    const withPassword = await this.stored.find({
      select: { name: true, passwordEncrypted: true },
      where: { passwordEncrypted: Not(IsNull()) },
      order: { name: 'ASC' },
    });
    if (withPassword.length === 0) {
      return;
    }
    const names = withPassword.map((row) => `"${row.name}"`).join(', ');
    if (this.secrets.keyId === null) {
      throw new EncryptionKeyError(
        `ENCRYPTION_KEY is not set, but the control database holds encrypted passwords of connections ${names}: ` +
          'set ENCRYPTION_KEY to the key they were encrypted with',
      );
    }
    for (const row of withPassword) {
      try {
        this.secrets.decrypt(row.passwordEncrypted as NonNullable<typeof row.passwordEncrypted>, row.name);
      } catch (error) {
        throw new EncryptionKeyError(
          `ENCRYPTION_KEY does not decrypt the stored connection passwords: ${(error as Error).message}`,
        );
      }
    }
  }
}
