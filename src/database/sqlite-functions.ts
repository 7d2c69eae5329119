import { sqliteRowDigest } from './row-checksum';

interface SqliteFunctionHost {
  function(name: string, options: object, fn: (...args: unknown[]) => unknown): unknown;
}

/**
 * SQLite has no hash function: `das_row_digest` gives it a row digest computed inside SQLite over
 * the values it stores, with their storage classes (not over values read back through the driver).
 */
export function registerSqliteFunctions(db: SqliteFunctionHost): void {
  db.function('das_row_digest', { varargs: true, deterministic: true, safeIntegers: true }, (...values) =>
    sqliteRowDigest(values),
  );
}
