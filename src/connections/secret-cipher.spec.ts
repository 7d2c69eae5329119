import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { EncryptionKeyError } from './connection-errors';
import { EncryptedSecret, PlainSecret, SecretCipher, keyIdOfSecret } from './secret-cipher';

describe('SecretCipher', () => {
  const key = randomBytes(32);
  const cipher = new SecretCipher(key);
  const password = 'pa$$w0rd-with-ünïcode-🔑';

  it('decrypts what it encrypted, for the same connection', () => {
    const stored = cipher.encrypt(new PlainSecret(password), 'connection "shop"');
    expect(cipher.decrypt(stored, 'connection "shop"').reveal()).toBe(password);
  });

  it('stores neither the password nor its base64, and a fresh nonce each time', () => {
    const first = cipher.encrypt(new PlainSecret(password), 'connection "shop"');
    const second = cipher.encrypt(new PlainSecret(password), 'connection "shop"');
    expect(first).not.toBe(second);
    for (const form of [
      password,
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('base64url'),
    ]) {
      expect(first).not.toContain(form);
    }
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
    expect(keyIdOfSecret(first)).toBe(cipher.keyId);
  });

  it('names the key mismatch when another key reads it', () => {
    const stored = cipher.encrypt(new PlainSecret(password), 'connection "shop"');
    const other = new SecretCipher(randomBytes(32));
    expect(() => other.decrypt(stored, 'connection "shop"')).toThrow(EncryptionKeyError);
    expect(() => other.decrypt(stored, 'connection "shop"')).toThrow(
      new RegExp(`encrypted under key id ${cipher.keyId}, but ENCRYPTION_KEY has key id ${other.keyId}`),
    );
  });

  it('refuses a ciphertext that was altered or moved to another connection', () => {
    const stored = cipher.encrypt(new PlainSecret(password), 'connection "shop"');
    expect(() => cipher.decrypt(stored, 'connection "billing"')).toThrow(/does not decrypt/);
    const parts = stored.split('.');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] ^= 1;
    parts[3] = data.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.') as EncryptedSecret, 'connection "shop"')).toThrow(/does not decrypt/);
    expect(() => cipher.decrypt('plain-text' as EncryptedSecret, 'connection "shop"')).toThrow(/not in the format/);
  });
});

describe('PlainSecret', () => {
  it('never prints its value, however it is logged', () => {
    const secret = new PlainSecret('hunter2-hunter2');
    const printed = [
      String(secret),
      'x'.concat(String(secret)),
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ secret }),
    ];
    for (const text of printed) {
      expect(text).not.toContain('hunter2');
    }
    expect(secret.reveal()).toBe('hunter2-hunter2');
  });
});
