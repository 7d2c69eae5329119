/** Rough bytes of a row's values (strings counted at two bytes a character): for sizing, not billing. */
export function approximateBytes(row: readonly unknown[], width: number = row.length): number {
  let bytes = 0;
  for (let c = 0; c < width; c++) {
    const value = row[c];
    bytes += typeof value === 'string' || Buffer.isBuffer(value) ? value.length * 2 : 8;
  }
  return bytes;
}
