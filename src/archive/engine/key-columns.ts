import { SqlDialect } from '../../database/dialect/sql-dialect';
import { ColumnSchema, TableSchema, findColumn } from '../../database/schema/table-schema';
import type { SqlFragment } from './row-selection';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

/**
 * Key types whose values leave the server and come back as bound parameters unchanged, and whose
 * comparison with such a parameter orders exactly as the primary key's index does. Character
 * strings are left out: their order is a collation's (case, accents, trailing spaces), and the
 * engine does not try to prove that a value round-tripped through this process still compares
 * where it sorts. Approximate numbers (FLOAT, DOUBLE) cannot be keys at all (policy-rules.ts).
 */
const EXACTLY_ORDERED_TYPES = new Set([
  ...INTEGER_TYPES,
  'decimal',
  'date',
  'datetime',
  'timestamp',
  'time',
  'year',
  'binary',
  'varbinary',
]);

/**
 * Binds primary-key values so the database compares them exactly. MySQL compares an integer or
 * DECIMAL column with a *string* constant as floating point, so `id IN ('9007199254740993')` would
 * also match 9007199254740992: integer keys are bound as BigInt (sent as bare literals) and DECIMAL
 * keys through a CAST to their own type.
 */
export class KeyColumns {
  readonly names: string[];
  readonly quoted: string[];
  private readonly placeholders: string[];
  private readonly converters: Array<(value: unknown) => unknown>;

  /**
   * A single-column integer key: sets of keys can be sent as ranges of consecutive values, and the
   * key space can be cut into lanes (see key-lanes.ts).
   */
  readonly integerKey: boolean;

  /**
   * Whether "after key K" provably selects no key at or before K, so that a batch read after
   * another's last key never touches its rows: the only case where two batches may be in flight at
   * once (decision 010). Otherwise the engine moves one batch at a time.
   */
  readonly orderIsExact: boolean;

  constructor(
    private readonly dialect: SqlDialect,
    table: TableSchema,
  ) {
    this.names = table.primaryKey;
    this.quoted = this.names.map((name) => dialect.quoteIdentifier(name));
    const columns = this.names.map((name) => findColumn(table, name) as ColumnSchema);
    this.placeholders = columns.map((column) =>
      dialect.engine === 'mysql' && column.dataType === 'decimal'
        ? `CAST(? AS ${column.columnType.replace(/\s*unsigned/i, '')})`
        : '?',
    );
    this.integerKey = columns.length === 1 && INTEGER_TYPES.has(columns[0].dataType);
    this.orderIsExact = columns.every((column) => EXACTLY_ORDERED_TYPES.has(column.dataType));
    this.converters = columns.map((column) =>
      dialect.engine === 'mysql' && INTEGER_TYPES.has(column.dataType) ? toBigInt : (value: unknown) => value,
    );
  }

  get width(): number {
    return this.names.length;
  }

  /** Parameters for one key, in key-column order. */
  params(key: readonly unknown[]): unknown[] {
    return key.map((value, index) => this.converters[index](value));
  }

  /**
   * A condition true for exactly these keys. With a single integer key, runs of consecutive values
   * become `BETWEEN` (every integer of such a run is one of the keys, so the set is the same): the
   * server then scans a range instead of probing each key, which makes batches of an
   * auto-increment table much cheaper. `qualifier` prefixes the columns (`s.` in a join).
   */
  matching(keys: readonly unknown[][], qualifier = ''): SqlFragment {
    return this.keyCondition(keys, qualifier, false);
  }

  /**
   * `matching` for a locking statement (the delete): when the last key ends a run, it is tested on
   * its own (`BETWEEN a AND y-1 OR key = y`). A locking range scan reads the row after the range's
   * end before it stops, and that row may be locked by the next batch, read ahead on another
   * session that commits only after this one: a wait InnoDB cannot see, until its lock wait timeout.
   * A point lookup of the last key reads nothing past it.
   */
  matchingWithinBatch(keys: readonly unknown[][]): SqlFragment {
    return this.keyCondition(keys, '', true);
  }

  private keyCondition(keys: readonly unknown[][], qualifier: string, lastKeyAlone: boolean): SqlFragment {
    const columns = this.quoted.map((column) => `${qualifier}${column}`);
    const runs = this.integerKey ? consecutiveRuns(keys) : null;
    if (!runs) {
      return {
        sql: this.dialect.keyInList(columns, this.placeholders, keys.length),
        params: keys.flatMap((key) => this.params(key)),
      };
    }
    const parts: string[] = [];
    const params: unknown[] = [];
    const singles: bigint[] = [];
    runs.forEach(([first, last], index) => {
      const endsBatch = lastKeyAlone && index === runs.length - 1;
      const end = endsBatch ? last - 1n : last;
      if (end - first + 1n >= MIN_RUN) {
        parts.push(`${columns[0]} BETWEEN ? AND ?`);
        params.push(first, end);
        if (endsBatch) {
          singles.push(last);
        }
      } else {
        for (let value = first; value <= last; value++) {
          singles.push(value);
        }
      }
    });
    if (singles.length > 0) {
      parts.push(`${columns[0]} IN (${singles.map(() => '?').join(', ')})`);
      params.push(...singles);
    }
    return { sql: parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`, params };
  }

  /** `(a > ?) OR (a = ? AND b > ?) …`: strictly after a key in key order, usable as a range scan. */
  after(): string {
    return this.keyOrderCondition('>', '>');
  }

  afterParams(key: readonly unknown[]): unknown[] {
    const bound = this.params(key);
    return this.names.flatMap((_, index) => bound.slice(0, index + 1));
  }

  /** `(a < ?) OR (a = ? AND b <= ?) …`: at or before a key in key order. */
  upTo(): string {
    return this.keyOrderCondition('<', '<=');
  }

  upToParams(key: readonly unknown[]): unknown[] {
    return this.afterParams(key);
  }

  /** A lexicographic comparison with a key: `inner` on leading columns, `last` on the final one. */
  private keyOrderCondition(inner: '>' | '<', last: '>' | '<='): string {
    const clauses = this.quoted.map((column, index) => {
      const equalities = this.quoted.slice(0, index).map((previous, i) => `${previous} = ${this.placeholders[i]}`);
      const operator = index === this.quoted.length - 1 ? last : inner;
      return `(${[...equalities, `${column} ${operator} ${this.placeholders[index]}`].join(' AND ')})`;
    });
    return clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`;
  }

  orderBy(): string {
    return this.quoted.join(', ');
  }
}

/** Shortest run of consecutive keys sent as a BETWEEN rather than listed. */
const MIN_RUN = 3n;

/**
 * Runs found per key set: a batch matches the same keys in several statements (copy, verification,
 * delete), and parsing and sorting a thousand keys each time costs this process more than the rest
 * of building those statements.
 */
const runsOfKeySet = new WeakMap<readonly unknown[][], Array<[bigint, bigint]> | null>();

/** Sorted runs [first, last] of consecutive integers; null when a key is not an integer. */
function consecutiveRuns(keys: readonly unknown[][]): Array<[bigint, bigint]> | null {
  let runs = runsOfKeySet.get(keys);
  if (runs === undefined) {
    runs = findRuns(keys);
    runsOfKeySet.set(keys, runs);
  }
  return runs;
}

function findRuns(keys: readonly unknown[][]): Array<[bigint, bigint]> | null {
  const values: bigint[] = [];
  for (const [value] of keys) {
    if (typeof value === 'bigint') {
      values.push(value);
    } else if (
      (typeof value === 'number' && Number.isSafeInteger(value)) ||
      (typeof value === 'string' && /^-?\d+$/.test(value))
    ) {
      values.push(BigInt(value));
    } else {
      return null;
    }
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runs: Array<[bigint, bigint]> = [];
  for (const value of values) {
    const run = runs[runs.length - 1];
    if (run && value === run[1] + 1n) {
      run[1] = value;
    } else {
      runs.push([value, value]);
    }
  }
  return runs;
}

function toBigInt(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    return BigInt(value);
  }
  return value;
}
