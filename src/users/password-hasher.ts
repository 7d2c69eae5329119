import { randomBytes } from 'node:crypto';
import { Algorithm, Options, hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane), stated so a library default change cannot weaken it. */
const ARGON2_OPTIONS: Options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /**
   * Checks a password against a stored hash. With `null` (no such user) it verifies against a dummy
   * hash of the same cost and returns false, so an unknown username takes as long as a wrong password
   * and response times do not reveal which usernames exist.
   */
  async verify(storedHash: string | null, password: string): Promise<boolean> {
    if (storedHash === null) {
      this.dummyHash ??= this.hash(randomBytes(32).toString('base64url'));
      await verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      // A malformed stored hash must not become a 500 that tells "this user exists".
      return false;
    }
  }
}
