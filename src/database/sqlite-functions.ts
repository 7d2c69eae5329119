import { ChecksumAccumulator, formatChecksum, sqliteRowDigest } from './row-checksum';

interface SqliteFunctionHost {
  function(name: string, options: object, fn: (...args: unknown[]) => unknown): unknown;
  aggregate(name: string, options: object): unknown;
}

/**
 * SQLite has no MD5; these give it the same checksum MySQL computes in SQL, evaluated inside
 * SQLite over the values it stores (not over values read back through the driver).
 */
export function registerSqliteFunctions(db: SqliteFunctionHost): void {
  db.function('das_row_digest', { varargs: true, deterministic: true, safeIntegers: true }, (...values) =>
    sqliteRowDigest(values),
  );
  db.aggregate('das_checksum', {
    varargs: true,
    safeIntegers: true,
    start: () => new ChecksumAccumulator(),
    step: (acc: ChecksumAccumulator, ...values: unknown[]) => {
      acc.addHexDigest(sqliteRowDigest(values));
      return acc;
    },
    result: (acc: ChecksumAccumulator) => formatChecksum(acc.result()),
  });
}
