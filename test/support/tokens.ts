import { createHmac, randomBytes } from 'node:crypto';

/**
 * Hand-made JWTs for attacking the token checks (other secret, `alg: none`, tampered payload, odd
 * claims). Built from node:crypto, not from the library the service uses, so a bug there cannot hide here.
 */
export type JwtPart = Record<string, unknown>;

const encode = (part: JwtPart) => Buffer.from(JSON.stringify(part)).toString('base64url');

const HMAC_OF_ALGORITHM: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Signs with the HMAC the header's `alg` names (HS256 unless the header says HS384 or HS512). */
export function signHs256(payload: JwtPart, secret: string, header: JwtPart = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${encode(header)}.${encode(payload)}`;
  const hmac = HMAC_OF_ALGORITHM[String(header.alg)] ?? 'sha256';
  return `${unsigned}.${createHmac(hmac, secret).update(unsigned).digest('base64url')}`;
}

/** An unsigned token (`alg: none` by default, as spelled in `alg`, empty signature). */
export function unsignedToken(payload: JwtPart, alg = 'none'): string {
  return `${encode({ alg, typ: 'JWT' })}.${encode(payload)}.`;
}

export function decodeJwt(token: string): { header: JwtPart; payload: JwtPart } {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, payload };
}

/** The same token with a changed payload and the ORIGINAL signature. */
export function tamperPayload(token: string, change: (payload: JwtPart) => JwtPart): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode(change(decodeJwt(token).payload))}.${signature}`;
}

/** Claims of a well-formed DAS token (a fresh `jti`, token version 1), to build variants from. */
export function claims(overrides: JwtPart = {}): JwtPart {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '1',
    username: 'admin',
    role: 'admin',
    permissions: [],
    jti: randomBytes(16).toString('base64url'),
    ver: 1,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}
