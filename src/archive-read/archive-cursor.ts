import { BadRequestException } from '@nestjs/common';

/**
 * Opaque page cursors: the last key of a page, JSON-encoded (bytes tagged as hex) in base64url.
 * Decoded values are only ever bound as parameters; a malformed cursor is a 400.
 */
export function encodeCursor(key: readonly unknown[]): string {
  const encoded = key.map((value) =>
    Buffer.isBuffer(value) ? { hex: value.toString('hex') } : typeof value === 'bigint' ? value.toString() : value,
  );
  return Buffer.from(JSON.stringify(encoded)).toString('base64url');
}

export function decodeCursor(cursor: string, width: number): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== width) {
    throw invalidCursor();
  }
  return parsed.map((value: unknown) => {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      return value;
    }
    if (value && typeof value === 'object' && typeof (value as { hex?: unknown }).hex === 'string') {
      const hex = (value as { hex: string }).hex;
      if (/^([0-9a-f]{2})*$/i.test(hex)) {
        return Buffer.from(hex, 'hex');
      }
    }
    throw invalidCursor();
  });
}

function invalidCursor(): BadRequestException {
  return new BadRequestException('cursor is not valid: pass the nextCursor of a previous page unchanged');
}
