import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { REDACTED } from '../logging/redaction';
import { learnSecret } from '../logging/secret-scrubber';
import { EncryptionKeyError } from './connection-errors';

/**
 * A password as stored in the control database: `v1.<key id>.<nonce>.<ciphertext>.<tag>`. A branded
 * string, so that a plain password cannot be stored by mistake, nor a stored one used as a password:
 * only SecretCipher makes one, and only SecretCipher turns one back into a PlainSecret.
 */
export type EncryptedSecret = string & { readonly __encryptedSecret: unique symbol };

/**
 * A password in the clear, in memory only. It prints as `[redacted]` however it is logged or
 * serialized; `reveal()` is the one way to the text (where a driver needs it). Every plain secret is
 * also taught to the log scrubbers of this process, so a driver message quoting it is scrubbed too.
 */
export class PlainSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    learnSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `PlainSecret(${REDACTED})`;
  }
}

const FORMAT = 'v1';
const ALGORITHM = 'aes-256-gcm';
/** GCM's standard nonce size; a fresh random one per secret (never reused under one key). */
const NONCE_BYTES = 12;

/**
 * AES-256-GCM under ENCRYPTION_KEY. Each secret gets its own random nonce and carries the id of the
 * key that encrypted it, so that a wrong key is named as such instead of failing as "bad data". The
 * connection's name is authenticated with it (GCM's additional data): a ciphertext copied onto another
 * connection's row does not decrypt.
 */
export class SecretCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) {
      throw new EncryptionKeyError(`an AES-256 key has 32 bytes, not ${key.length}`);
    }
    this.keyId = keyIdOf(key);
  }

  encrypt(secret: PlainSecret, context: string): EncryptedSecret {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
    const parts = [FORMAT, this.keyId, nonce, ciphertext, cipher.getAuthTag()];
    return parts
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.') as EncryptedSecret;
  }

  /**
   * @throws EncryptionKeyError when the secret was encrypted under another key, or does not
   * authenticate (altered, or moved from another connection's row)
   */
  decrypt(stored: EncryptedSecret, context: string): PlainSecret {
    const parsed = parseEncrypted(stored);
    if (parsed.keyId !== this.keyId) {
      throw new EncryptionKeyError(
        `the password of ${context} was encrypted under key id ${parsed.keyId}, but ENCRYPTION_KEY has ` +
          `key id ${this.keyId}: set ENCRYPTION_KEY to the key it was encrypted with (after keys:rotate: the new key)`,
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, parsed.nonce);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(parsed.tag);
      return new PlainSecret(Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8'));
    } catch {
      throw new EncryptionKeyError(
        `the stored password of ${context} does not decrypt under ENCRYPTION_KEY (key id ${this.keyId}): ` +
          'it was altered, or encrypted for another connection',
      );
    }
  }
}

/** The id stored with each secret: 8 hex digits of a hash of the key (says which key, reveals nothing of it). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('das-encryption-key-id\0').update(key).digest('hex').slice(0, 8);
}

/** The key id a stored secret names, without decrypting it. */
export function keyIdOfSecret(stored: EncryptedSecret): string {
  return parseEncrypted(stored).keyId;
}

interface ParsedSecret {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseEncrypted(stored: string): ParsedSecret {
  const parts = stored.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT || !/^[0-9a-f]{8}$/.test(parts[1])) {
    throw new EncryptionKeyError(
      'a stored password is not in the format DAS writes (v1.<key id>.<nonce>.<data>.<tag>)',
    );
  }
  const [, keyId, nonce, ciphertext, tag] = parts;
  return {
    keyId,
    nonce: Buffer.from(nonce, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
}
