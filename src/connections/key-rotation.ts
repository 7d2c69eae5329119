import { DataSource, IsNull, Not } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { EncryptionKeyError } from './connection-errors';
import { secretContext } from './connection-secrets';
import { StoredConnection } from './entities/stored-connection.entity';
import { EncryptedSecret, SecretCipher, keyIdOfSecret } from './secret-cipher';

export interface KeyRotation {
  fromKeyId: string;
  toKeyId: string;
  /** Connections whose password was re-encrypted. */
  rotated: string[];
  /** Connections already under the new key (a rotation run again after a partial change). */
  alreadyRotated: string[];
}

/**
 * Re-encrypts every stored connection password from `oldKey` to `newKey` in one transaction of the
 * control database: either every secret moves to the new key, or none does. Each new ciphertext
 * is decrypted again before the commit. Secrets already under the new key are left as they are,
 * so a rotation can be run again. Versions do not change: the credentials are the same, open pools
 * stay valid.
 * @throws EncryptionKeyError when a secret is under neither key, or does not decrypt
 */
export async function rotateEncryptionKey(
  control: DataSource,
  oldKey: Buffer,
  newKey: Buffer,
  actor: AuditActor,
): Promise<KeyRotation> {
  const from = new SecretCipher(oldKey);
  const to = new SecretCipher(newKey);
  if (from.keyId === to.keyId) {
    throw new EncryptionKeyError('the new key is the old key: make a new one with openssl rand -base64 32');
  }
  return control.transaction(async (manager) => {
    const repository = manager.getRepository(StoredConnection);
    const query = repository
      .createQueryBuilder('c')
      .where({ passwordEncrypted: Not(IsNull()) })
      .orderBy('c.name', 'ASC');
    // Concurrent changes of these rows wait for the rotation (SQLite's transaction already excludes writers).
    const rows = await (
      manager.connection.options.type === 'mysql' ? query.setLock('pessimistic_write') : query
    ).getMany();
    const rotation: KeyRotation = { fromKeyId: from.keyId, toKeyId: to.keyId, rotated: [], alreadyRotated: [] };
    for (const row of rows) {
      const stored = row.passwordEncrypted as EncryptedSecret;
      const context = secretContext(row.name);
      if (keyIdOfSecret(stored) === to.keyId) {
        to.decrypt(stored, context);
        rotation.alreadyRotated.push(row.name);
        continue;
      }
      const plain = from.decrypt(stored, context);
      const reencrypted = to.encrypt(plain, context);
      if (to.decrypt(reencrypted, context).reveal() !== plain.reveal()) {
        throw new EncryptionKeyError(`re-encrypting the password of connection "${row.name}" did not round-trip`);
      }
      await repository.update({ id: row.id }, { passwordEncrypted: reencrypted });
      rotation.rotated.push(row.name);
    }
    await new AuditService(manager.getRepository(AuditEntry)).record(
      {
        actor,
        action: 'keys.rotate',
        details: { fromKeyId: from.keyId, toKeyId: to.keyId, connections: rotation.rotated },
      },
      manager,
    );
    return rotation;
  });
}
