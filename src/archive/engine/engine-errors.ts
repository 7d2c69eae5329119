import type { LockWaitError } from '../../database/lock-wait-inspector';
import { reportableKey } from './reportable-key';

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

/** Lock wait timeout, deadlock, busy database: the batch was rolled back and can simply be tried again. */
export function isTransientLockError(error: unknown): boolean {
  const e = error as DriverError;
  return e?.errno === 1205 || e?.errno === 1213 || e?.code === 'SQLITE_BUSY' || e?.code === 'SQLITE_LOCKED';
}

const BATCH_KEYS = Symbol('batchKeys');

/** Marks a failure with the keys of the batch it happened in (the first mark wins), for messages. */
export function inBatch<E>(error: E, keys: readonly unknown[][]): E {
  if (typeof error === 'object' && error !== null && !(BATCH_KEYS in error)) {
    Object.defineProperty(error, BATCH_KEYS, { value: keys, enumerable: false });
  }
  return error;
}

function batchKeysOf(error: unknown): readonly unknown[][] | undefined {
  return typeof error === 'object' && error !== null
    ? (error as { [BATCH_KEYS]?: readonly unknown[][] })[BATCH_KEYS]
    : undefined;
}

/** How many first keys of a batch a message quotes. */
const QUOTED_KEYS = 3;

/**
 * A batch kept losing lock races (lock wait timeouts, deadlocks) and the run gave up on it. Every
 * attempt was rolled back whole, so nothing of it changed; the message says where the run stopped
 * and, when the server told, which session held the locks.
 */
export class LockContentionError extends EngineError {
  constructor(table: string, after: readonly unknown[] | null, attempts: number, cause: unknown) {
    const keys = batchKeysOf(cause);
    const quote = (key: readonly unknown[]) => JSON.stringify(reportableKey([...key]));
    const where =
      keys && keys.length > 0
        ? `the batch of "${table}" whose first keys are ${keys.slice(0, QUOTED_KEYS).map(quote).join(', ')}`
        : after
          ? `the batch of "${table}" after key ${quote(after)}`
          : `the first batch of "${table}"`;
    const e = cause as DriverError & LockWaitError;
    const blocked = e?.blockedBy
      ? `blocked by ${e.blockedBy}`
      : 'the server did not say which session held the locks (seeing that needs the PROCESS privilege)';
    super(
      `${where} could not take its row locks in ${attempts} attempts (${e?.message ?? String(cause)}); ${blocked}. ` +
        'Each attempt was rolled back whole: nothing of this batch changed, and the next run starts again here.',
    );
    this.name = 'LockContentionError';
  }
}
