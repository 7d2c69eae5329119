import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer\s+(\S+)$/i;

/** The credential of an `Authorization: Bearer <credential>` header; null for any other shape. */
export function bearerCredential(header: string): string | null {
  return BEARER.exec(header.trim())?.[1] ?? null;
}

/**
 * Whether `presented` is the configured METRICS_TOKEN. Both are hashed first: timingSafeEqual needs
 * equal lengths, and comparing digests takes the same time whatever the length or the first
 * differing character of a guess, so the time an answer takes tells nothing about the token.
 */
export function isMetricsToken(presented: string, configured: string): boolean {
  return timingSafeEqual(digest(presented), digest(configured));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
