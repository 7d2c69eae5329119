/** One batch moved from the source to the archive, committed on both sides. */
export interface MovedBatch {
  /** Rows now in the archive and gone from the source. */
  moved: number;
  /** Keys of those rows, in key order. */
  keys: unknown[][];
  /** Approximate bytes of row data held in this process for the batch (copy transfer only). */
  bytes?: number;
}

/**
 * Moves batches of rows with the archival protocol: lock and read, copy, verify, delete, commit
 * the archive, then the source. Throws ForeignKeyBlockedError (with the keys it tried) when the
 * delete hits a foreign key; everything is rolled back in that case.
 */
export interface BatchMover {
  /**
   * The next batch of up to `limit` qualifying rows after `after`, once committed; null when none is
   * left. The result may also count rows of a batch that committed behind one that failed: its keys
   * come first, and the last key is always that of the batch read after `after`.
   */
  next(after: readonly unknown[] | null, limit: number): Promise<MovedBatch | null>;
  /** The qualifying rows among `keys` (rows that no longer qualify are skipped). */
  only(keys: readonly unknown[][]): Promise<MovedBatch>;
  /**
   * Settles what is in flight: a batch still under way is rolled back unless it already committed
   * (its rows stay in the source). Returns the rows of batches that committed but were not returned
   * yet, which the run must count. Called when the run ends or pauses; `next()` may follow.
   */
  finish(): Promise<MovedBatch | null>;
}

/** Two reports of moved rows as one (either may be absent); `later`'s keys come last. */
export function mergeMoved(earlier: MovedBatch | null, later: MovedBatch | null): MovedBatch | null {
  if (!earlier || !later) {
    return earlier ?? later;
  }
  return {
    moved: earlier.moved + later.moved,
    keys: [...earlier.keys, ...later.keys],
    bytes:
      earlier.bytes === undefined && later.bytes === undefined ? undefined : (earlier.bytes ?? 0) + (later.bytes ?? 0),
  };
}

/** Test seams: where a crash or a concurrent change can be injected into the protocol. */
export interface ArchivalHooks {
  /** After the batch's rows are read and locked, before anything is written. */
  afterRead?(batch: number, keys: unknown[][]): Promise<void> | void;
  /** After the batch's copy is written into the archive, before it is verified there. */
  beforeVerify?(batch: number, keys: unknown[][]): Promise<void> | void;
  /** After the archive commit, before the source commit: the window a crash test aims at. */
  afterArchiveCommit?(batch: number, keys: unknown[][]): Promise<void> | void;
}
