/** A run stopped for a reason a DBA can act on; the message says what happened and that nothing was lost. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The archive copy of a batch did not match the source rows; both transactions were rolled back. */
export class VerificationError extends EngineError {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

/** Deleting these source rows violated a foreign key: other rows still reference them. */
export class ForeignKeyBlockedError extends Error {
  constructor(
    readonly keys: unknown[][],
    cause: unknown,
  ) {
    super(`rows are still referenced by a foreign key: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ForeignKeyBlockedError';
  }
}

interface DriverError {
  errno?: number;
  code?: string;
  message?: string;
}

/** MySQL 1451/1217 (row is referenced), SQLite FOREIGN KEY constraint failed. */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as DriverError;
  return e?.errno === 1451 || e?.errno === 1217 || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Lock wait timeout, deadlock, busy database: the batch can simply be tried again. */
export function isTransientLockError(error: unknown): boolean {
  const e = error as DriverError;
  return e?.errno === 1205 || e?.errno === 1213 || e?.code === 'SQLITE_BUSY' || e?.code === 'SQLITE_LOCKED';
}
