import { createHash } from 'node:crypto';

/**
 * An order-independent checksum of a set of rows: the row count plus the exact sums of two 60-bit
 * slices of each row's hex digest (SHA-1 on MySQL/MariaDB, MD5 in SQLite). Any changed byte,
 * missing row or extra row changes it. Each database computes the per-row digests (MySQL/MariaDB
 * in SQL, SQLite with `das_row_digest`); they are summed here.
 */
export interface RowSetChecksum {
  count: number;
  sumHigh: string;
  sumLow: string;
}

export function sameChecksum(a: RowSetChecksum, b: RowSetChecksum): boolean {
  return a.count === b.count && a.sumHigh === b.sumHigh && a.sumLow === b.sumLow;
}

export function formatChecksum(c: RowSetChecksum): string {
  return `${c.count}:${c.sumHigh}:${c.sumLow}`;
}

/** Accumulates per-row hex digests (30 hex digits or more, from either database) into a RowSetChecksum. */
export class ChecksumAccumulator {
  private count = 0;
  private high = 0n;
  private low = 0n;

  addHexDigest(hex: string): void {
    this.count += 1;
    this.high += BigInt(`0x${hex.slice(0, 15)}`);
    this.low += BigInt(`0x${hex.slice(15, 30)}`);
  }

  result(): RowSetChecksum {
    return { count: this.count, sumHigh: this.high.toString(), sumLow: this.low.toString() };
  }
}

/**
 * MD5 of one SQLite row, serialised with each value's storage class so that the integer 1, the
 * real 1.0, the text '1' and the blob x'31' all differ.
 */
export function sqliteRowDigest(values: readonly unknown[]): string {
  const hash = createHash('md5');
  for (const value of values) {
    if (value === null || value === undefined) {
      hash.update('N;');
    } else if (typeof value === 'bigint') {
      hash.update(`I${value.toString()};`);
    } else if (typeof value === 'number') {
      hash.update(`R${Object.is(value, -0) ? '-0' : value.toString()};`);
    } else if (typeof value === 'string') {
      hash.update(`T${Buffer.byteLength(value)}:`);
      hash.update(value);
      hash.update(';');
    } else if (Buffer.isBuffer(value)) {
      hash.update(`B${value.length}:`);
      hash.update(value);
      hash.update(';');
    } else {
      throw new Error(`unexpected SQLite value of type ${typeof value}`);
    }
  }
  return hash.digest('hex');
}
