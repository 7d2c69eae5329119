/**
 * A key as it can be reported in run records and API responses (JSON): big integers as decimal
 * strings, bytes as 0x-hex. The engine keeps raw values for its own queries.
 */
export function reportableKey(key: readonly unknown[] | null): unknown[] | null {
  return key && key.map(reportableValue);
}

function reportableValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (Buffer.isBuffer(value)) {
    return `0x${value.toString('hex')}`;
  }
  return value;
}
