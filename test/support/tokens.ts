import { createHmac } from 'node:crypto';

/**
 * Hand-made JWTs for attacking the token checks (other secret, `alg: none`, tampered payload, odd
 * claims). Built from node:crypto, not from the library the service uses, so a bug there cannot hide here.
 */
export type JwtPart = Record<string, unknown>;

const encode = (part: JwtPart) => Buffer.from(JSON.stringify(part)).toString('base64url');

export function signHs256(payload: JwtPart, secret: string, header: JwtPart = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** An unsigned token (`alg: none`, empty signature). */
export function unsignedToken(payload: JwtPart): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
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

/** Claims of a well-formed DAS token, to build variants from. */
export function claims(overrides: JwtPart = {}): JwtPart {
  const now = Math.floor(Date.now() / 1000);
  return { sub: '1', username: 'admin', role: 'admin', permissions: [], iat: now, exp: now + 3600, ...overrides };
}
