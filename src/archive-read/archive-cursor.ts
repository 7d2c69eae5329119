import { BadRequestException } from '@nestjs/common';
import { ColumnSchema } from '../database/schema/table-schema';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const DECIMAL_TYPES = new Set(['decimal', 'numeric']);
const INTEGER_TEXT = /^-?\d{1,20}$/;
const DECIMAL_TEXT = /^-?\d{1,65}(\.\d{1,30})?$/;
const HEX = /^([0-9a-f]{2})*$/i;

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

/**
 * The key a cursor holds, each value checked against its key column: an integer column takes an
 * integer (a number, or digits for values beyond 2^53), a DECIMAL one a decimal number, any other a
 * string, a number or bytes. So `[1.5]` or `["abc"]` for an integer key is a 400, not a database error.
 */
export function decodeCursor(cursor: string, keyColumns: readonly ColumnSchema[]): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== keyColumns.length) {
    throw invalidCursor();
  }
  return parsed.map((value: unknown, index) => {
    const decoded = keyValue(value, keyColumns[index].dataType);
    if (decoded === undefined) {
      throw invalidCursor();
    }
    return decoded;
  });
}

/** The value to bind for one key column, or undefined when `value` cannot be a key of that column. */
function keyValue(value: unknown, dataType: string): unknown {
  if (INTEGER_TYPES.has(dataType)) {
    return Number.isSafeInteger(value) || (typeof value === 'string' && INTEGER_TEXT.test(value)) ? value : undefined;
  }
  if (DECIMAL_TYPES.has(dataType)) {
    return (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && DECIMAL_TEXT.test(value))
      ? value
      : undefined;
  }
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
    return value;
  }
  const hex = (value as { hex?: unknown } | null)?.hex;
  return typeof hex === 'string' && HEX.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

function invalidCursor(): BadRequestException {
  return new BadRequestException('cursor is not valid: pass the nextCursor of a previous page unchanged');
}
