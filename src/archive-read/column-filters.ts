import { InvalidInputError } from '../common/domain-error';
import { SqlDialect } from '../database/dialect/sql-dialect';
import { ColumnSchema, TableSchema, findColumn } from '../database/schema/table-schema';

/** `eq`: `filter[column]=value`, equality; `prefix`: `prefix[column]=value`, starts with. */
export type FilterKind = 'eq' | 'prefix';

export const FILTER_PARAMETER: Record<FilterKind, string> = { eq: 'filter', prefix: 'prefix' };

/** One condition of a read, as the request gave it (names and values not checked yet). */
export interface ColumnFilter {
  readonly kind: FilterKind;
  readonly column: string;
  readonly value: string;
}

/** Conditions a read may have in all (`filter` and `prefix` together). */
export const MAX_COLUMN_FILTERS = 16;
/** Longest value of one condition, in characters. */
export const MAX_FILTER_VALUE_LENGTH = 1024;

const INTEGER_BITS: Record<string, number> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  integer: 32,
  bigint: 64,
};
const DECIMAL_TYPES = new Set(['decimal', 'numeric']);
const FLOAT_TYPES = new Set(['float', 'double', 'real']);
const STRING_TYPES = new Set([
  'char',
  'varchar',
  'character',
  'nchar',
  'nvarchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'clob',
]);
const CHOICE_TYPES = new Set(['enum', 'set']);
const BINARY_TYPES = new Set(['binary', 'varbinary']);
const DATE_TIME_TYPES = new Set(['datetime', 'timestamp']);

const INTEGER_TEXT = /^-?(0|[1-9]\d{0,19})$/;
const DECIMAL_TEXT = /^-?(\d{1,65})(?:\.(\d{1,30}))?$/;
const FLOAT_TEXT = /^-?\d{1,40}(\.\d{1,40})?([eE][-+]?\d{1,3})?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z?$/;
const TIME_TEXT = /^-?\d{1,3}:[0-5]\d:[0-5]\d(\.\d{1,6})?$/;
const YEAR_TEXT = /^\d{4}$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
/** The escape character of prefix patterns: not `\`, whose meaning in a literal depends on sql_mode. */
const LIKE_ESCAPE = '!';

/** The type's base name: SQLite declares `BIGINT UNSIGNED` as the type name itself. */
function baseType(column: ColumnSchema): string {
  return column.dataType.split(/\s+/)[0];
}

/**
 * The columns a read may filter on: the first column of the primary key and of each index, so that
 * every condition is a lookup or a range of an index rather than a scan of the archive (which can
 * hold billions of rows). In an archive table these are the key's first column and the policy's
 * date column, plus any index an operator added.
 */
export function indexLeadingColumns(table: TableSchema): Set<string> {
  const leading = new Set<string>();
  if (table.primaryKey.length > 0) {
    leading.add(table.primaryKey[0]);
  }
  for (const index of table.indexes) {
    if (index.columns.length > 0 && index.columns[0] !== '') {
      leading.add(index.columns[0]);
    }
  }
  return leading;
}

/** Which filters a column takes: none off an index or for a type without an exact text form. */
export function filtersOf(
  table: TableSchema,
  column: ColumnSchema,
  leading = indexLeadingColumns(table),
): FilterKind[] {
  if (!leading.has(column.name) || !valueKind(column)) {
    return [];
  }
  return STRING_TYPES.has(baseType(column)) ? ['eq', 'prefix'] : ['eq'];
}

type ValueKind = 'integer' | 'decimal' | 'float' | 'date' | 'datetime' | 'time' | 'year' | 'string' | 'binary';

function valueKind(column: ColumnSchema): ValueKind | null {
  const type = baseType(column);
  if (type in INTEGER_BITS) {
    return 'integer';
  }
  if (DECIMAL_TYPES.has(type)) {
    return 'decimal';
  }
  if (FLOAT_TYPES.has(type)) {
    return 'float';
  }
  if (type === 'date') {
    return 'date';
  }
  if (DATE_TIME_TYPES.has(type)) {
    return 'datetime';
  }
  if (type === 'time') {
    return 'time';
  }
  if (type === 'year') {
    return 'year';
  }
  if (STRING_TYPES.has(type) || CHOICE_TYPES.has(type)) {
    return 'string';
  }
  return BINARY_TYPES.has(type) ? 'binary' : null;
}

/** A WHERE condition and its parameters. */
export interface FilterPredicate {
  readonly conditions: string[];
  readonly params: unknown[];
}

/**
 * The conditions of `filters` on `table`, each checked against the live schema first: the column
 * exists, leads an index, takes that kind of filter, and the value can be a value of its type. Every
 * problem is reported at once (a 400 listing them). Names in the SQL are the schema's, quoted by the
 * dialect; values are only ever parameters.
 */
export function filterPredicate(
  dialect: SqlDialect,
  tableName: string,
  table: TableSchema,
  filters: readonly ColumnFilter[],
): FilterPredicate {
  const leading = indexLeadingColumns(table);
  const problems: string[] = [];
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const filter of filters) {
    const where = `${FILTER_PARAMETER[filter.kind]}[${filter.column}]`;
    const column = findColumn(table, filter.column);
    if (!column) {
      problems.push(`${where}: the archive of "${tableName}" has no column "${filter.column}"`);
      continue;
    }
    const allowed = filtersOf(table, column, leading);
    if (!leading.has(column.name)) {
      problems.push(
        `${where}: column "${column.name}" is not indexed in the archive of "${tableName}": filters take the first ` +
          `column of the primary key or of an index (here: ${filterableNames(table, leading)})`,
      );
      continue;
    }
    if (!allowed.includes(filter.kind)) {
      problems.push(
        allowed.length === 0
          ? `${where}: column "${column.name}" is ${column.columnType}, which filters do not compare`
          : `${where}: prefix filters take string columns; "${column.name}" is ${column.columnType}`,
      );
      continue;
    }
    const bound = filter.kind === 'prefix' ? prefixPattern(filter.value) : boundValue(dialect, column, filter.value);
    if (bound.problem !== undefined) {
      problems.push(`${where}: ${bound.problem}`);
      continue;
    }
    const quoted = dialect.quoteIdentifier(column.name);
    if (filter.kind === 'prefix') {
      conditions.push(`${quoted} LIKE ? ESCAPE '${LIKE_ESCAPE}'`);
      params.push(bound.value);
    } else if (bound.spellings) {
      conditions.push(`${quoted} IN (${bound.spellings.map(() => '?').join(', ')})`);
      params.push(...bound.spellings);
    } else {
      conditions.push(`${quoted} = ${bound.placeholder}`);
      params.push(bound.value);
    }
  }
  if (problems.length > 0) {
    throw new InvalidInputError(problems);
  }
  return { conditions, params };
}

function filterableNames(table: TableSchema, leading: Set<string>): string {
  const names = table.columns.filter((column) => filtersOf(table, column, leading).length > 0).map((c) => c.name);
  return names.length > 0 ? names.join(', ') : 'none';
}

type Bound =
  | { problem: string; value?: undefined; placeholder?: undefined; spellings?: undefined }
  /** `spellings`: the texts that all mean the value, for a column compared as text (SQLite date-times). */
  | { problem?: undefined; value: unknown; placeholder: string; spellings?: string[] };

/** `abc` → `abc%`, with the pattern characters of the value itself escaped. */
function prefixPattern(value: string): Bound {
  const escaped = value.replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`);
  return { value: `${escaped}%`, placeholder: '?' };
}

/**
 * The parameter for `column = ?`, or why `text` cannot be a value of the column. Integers are bound
 * as BigInt and DECIMALs through a CAST to their own type on MySQL, which compares a number column
 * with a string parameter as floating point (9007199254740993 would match 9007199254740992 too).
 */
function boundValue(dialect: SqlDialect, column: ColumnSchema, text: string): Bound {
  const type = `${column.columnType}`;
  const kind = valueKind(column);
  const mysql = dialect.engine === 'mysql';
  switch (kind) {
    case 'integer': {
      const [min, max] = integerRange(column, mysql);
      if (!INTEGER_TEXT.test(text) || BigInt(text) < min || BigInt(text) > max) {
        return { problem: `the value is not a ${type}: an integer from ${min} to ${max}` };
      }
      return { value: BigInt(text), placeholder: '?' };
    }
    case 'decimal': {
      const match = DECIMAL_TEXT.exec(text);
      const { precision, scale } = decimalSize(column.columnType);
      const integerDigits = match ? match[1].replace(/^0+(?=\d)/, '').length : 0;
      if (!match || integerDigits > precision - scale || (match[2]?.length ?? 0) > scale) {
        return {
          problem: `the value is not a ${type}: a decimal number with at most ${precision - scale} digits before the point and ${scale} after`,
        };
      }
      return {
        value: text,
        placeholder: mysql ? `CAST(? AS ${column.columnType.replace(/\s*(unsigned|zerofill)/gi, '')})` : '?',
      };
    }
    case 'float':
      return FLOAT_TEXT.test(text) && Number.isFinite(Number(text))
        ? { value: Number(text), placeholder: '?' }
        : { problem: `the value is not a ${type}: a decimal number such as 12.5 or 1e-3` };
    case 'date':
      return validDate(text)
        ? { value: text, placeholder: '?' }
        : { problem: `the value is not a ${type}: a date written YYYY-MM-DD` };
    case 'datetime': {
      const match = DATE_TIME_TEXT.exec(text);
      if (!match || !validDate(match[1]) || Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4]) > 59) {
        return {
          problem:
            `the value is not a ${type}: a UTC date-time as the read gives it, ` +
            '2024-03-01T10:00:00Z or 2024-03-01T10:00:00.123456Z (or with a space for the T, without the Z)',
        };
      }
      const value = `${match[1]} ${match[2]}:${match[3]}:${match[4]}${match[5] ?? ''}`;
      return mysql
        ? { value, placeholder: '?' }
        : { value, placeholder: '?', spellings: sqliteDateTimeSpellings(value) };
    }
    case 'time':
      return TIME_TEXT.test(text)
        ? { value: text, placeholder: '?' }
        : { problem: `the value is not a ${type}: a time written HH:MM:SS` };
    case 'year':
      return YEAR_TEXT.test(text)
        ? { value: Number(text), placeholder: '?' }
        : { problem: `the value is not a ${type}: four digits` };
    case 'string': {
      const length = characterLength(column.columnType);
      return length !== null && [...text].length > length
        ? { problem: `the value is not a ${type}: at most ${length} characters` }
        : { value: text, placeholder: '?' };
    }
    case 'binary': {
      const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
      return BASE64_TEXT.test(base64)
        ? { value: Buffer.from(base64, 'base64'), placeholder: '?' }
        : { problem: `the value is not a ${type}: the bytes in base64, as the read gives them` };
    }
    case null:
      return { problem: `column "${column.name}" is ${type}, which filters do not compare` };
  }
}

/**
 * SQLite keeps a date-time as the text it was given and compares text: `10:00:00`, `10:00:00.0` and
 * `10:00:00.000` are one instant in three spellings. The instant's spellings with 0 to 6 fractional
 * digits, all of them (an IN list still uses the index).
 */
function sqliteDateTimeSpellings(value: string): string[] {
  const [whole, fraction = ''] = value.split('.');
  const digits = fraction.replace(/0+$/, '');
  return Array.from({ length: 7 - digits.length }, (_, i) => {
    const padded = digits.padEnd(digits.length + i, '0');
    return padded === '' ? whole : `${whole}.${padded}`;
  });
}

function integerRange(column: ColumnSchema, mysql: boolean): [bigint, bigint] {
  // SQLite stores every integer in 64 bits, whatever the declared type says.
  const bits = BigInt(mysql ? INTEGER_BITS[baseType(column)] : 64);
  if (mysql && /unsigned/i.test(column.columnType)) {
    return [0n, 2n ** bits - 1n];
  }
  return [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

/** `decimal(12,2)` → 12 and 2 (MySQL always declares both); SQLite's bare DECIMAL: MySQL's widest, (65,30). */
function decimalSize(columnType: string): { precision: number; scale: number } {
  const match = /\((\d+)(?:\s*,\s*(\d+))?\)/.exec(columnType);
  return !match ? { precision: 65, scale: 30 } : { precision: Number(match[1]), scale: Number(match[2] ?? 0) };
}

/** `varchar(16)` → 16; null for types without a declared length (TEXT, ENUM, SQLite's TEXT). */
function characterLength(columnType: string): number | null {
  const match =
    /^(?:var)?char(?:acter)?\s*\((\d+)\)/i.exec(columnType) ?? /^n(?:var)?char\s*\((\d+)\)/i.exec(columnType);
  return match ? Number(match[1]) : null;
}

function validDate(text: string): boolean {
  const match = DATE_TEXT.exec(text);
  if (!match) {
    return false;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
