import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EncryptionKeyError } from './connection-errors';
import { EncryptedSecret, PlainSecret, SecretCipher } from './secret-cipher';

/**
 * Encrypts and decrypts connection passwords under ENCRYPTION_KEY. Without a key DAS can still
 * use connections that need no password, and refuses to store one.
 */
@Injectable()
export class ConnectionSecrets {
  private readonly cipher: SecretCipher | null;

  constructor(config: AppConfig) {
    this.cipher = config.encryptionKey ? new SecretCipher(config.encryptionKey) : null;
  }

  /** The id of ENCRYPTION_KEY (null when unset), as stored with each secret. */
  get keyId(): string | null {
    return this.cipher?.keyId ?? null;
  }

  encrypt(password: PlainSecret, connectionName: string): EncryptedSecret {
    return this.require(connectionName).encrypt(password, secretContext(connectionName));
  }

  /** @throws EncryptionKeyError when there is no key, another key, or a secret that does not authenticate */
  decrypt(stored: EncryptedSecret, connectionName: string): PlainSecret {
    return this.require(connectionName).decrypt(stored, secretContext(connectionName));
  }

  private require(connectionName: string): SecretCipher {
    if (!this.cipher) {
      throw new EncryptionKeyError(
        `ENCRYPTION_KEY is not set, and connection "${connectionName}" has a password: DAS stores ` +
          'passwords only encrypted. Set ENCRYPTION_KEY (openssl rand -base64 32) and restart',
      );
    }
    return this.cipher;
  }
}

/**
 * What a secret is bound to (GCM additional data): the connection's name, which never changes. A
 * ciphertext copied onto another connection's row does not decrypt there.
 */
export function secretContext(connectionName: string): string {
  return `connection "${connectionName}"`;
}
