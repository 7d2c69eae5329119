import { ColumnSchema } from '../../database/schema/table-schema';

export type ColumnChange =
  | { kind: 'same' }
  /** The archive column can be altered to the source's new type without losing what it holds. */
  | { kind: 'widen' }
  | { kind: 'incompatible'; reason: string };

const INTEGER_RANK: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, integer: 4, bigint: 5 };
const TEXT_RANK: Record<string, number> = { char: 1, varchar: 2, tinytext: 3, text: 4, mediumtext: 5, longtext: 6 };
const BINARY_RANK: Record<string, number> = {
  binary: 1,
  varbinary: 2,
  tinyblob: 3,
  blob: 4,
  mediumblob: 5,
  longblob: 6,
};
const TEMPORAL_WITH_FRACTION = new Set(['datetime', 'timestamp', 'time']);

/**
 * Compares a source column with its archive mirror. A change is carried only when every value the
 * archive already holds fits the new type unchanged (a wider integer, a longer string, more
 * decimals, appended enum values…); anything else stops the run before a row moves.
 */
export function compareColumn(source: ColumnSchema, archive: ColumnSchema): ColumnChange {
  if (normalizeType(source.columnType) === normalizeType(archive.columnType) && sameCharset(source, archive)) {
    return { kind: 'same' };
  }
  const incompatible = (detail: string): ColumnChange => ({
    kind: 'incompatible',
    reason: `column "${source.name}" is ${source.columnType}${charsetSuffix(source)} in the source but ${archive.columnType}${charsetSuffix(archive)} in the archive: ${detail}`,
  });
  if (source.charset && archive.charset && source.charset !== archive.charset) {
    return incompatible('the character set changed');
  }
  const s = parseType(source.columnType);
  const a = parseType(archive.columnType);
  if (s.base in INTEGER_RANK && a.base in INTEGER_RANK) {
    const wider = INTEGER_RANK[s.base] > INTEGER_RANK[a.base];
    const sameSign = s.unsigned === a.unsigned;
    const signedHoldsUnsigned = !s.unsigned && a.unsigned && INTEGER_RANK[s.base] > INTEGER_RANK[a.base];
    return (wider && sameSign) || signedHoldsUnsigned || (INTEGER_RANK[s.base] === INTEGER_RANK[a.base] && sameSign)
      ? { kind: 'widen' }
      : incompatible('archived values may not fit the new integer type');
  }
  if (s.base in TEXT_RANK && a.base in TEXT_RANK) {
    const longer = TEXT_RANK[s.base] > TEXT_RANK[a.base] || (s.base === a.base && (s.args[0] ?? 0) >= (a.args[0] ?? 0));
    const padChange = a.base === 'char' && s.base !== 'char';
    return longer && !padChange ? { kind: 'widen' } : incompatible('archived strings may not fit the new type');
  }
  if (s.base in BINARY_RANK && a.base in BINARY_RANK) {
    const longer =
      BINARY_RANK[s.base] > BINARY_RANK[a.base] || (s.base === a.base && (s.args[0] ?? 0) >= (a.args[0] ?? 0));
    // BINARY pads with zero bytes; moving those values to VARBINARY/BLOB would keep the padding.
    return longer && a.base !== 'binary' ? { kind: 'widen' } : incompatible('archived bytes may not fit the new type');
  }
  if (s.base === 'decimal' && a.base === 'decimal' && s.unsigned === a.unsigned) {
    const [sp, ss] = [s.args[0] ?? 10, s.args[1] ?? 0];
    const [ap, as] = [a.args[0] ?? 10, a.args[1] ?? 0];
    return ss >= as && sp - ss >= ap - as
      ? { kind: 'widen' }
      : incompatible('archived decimals may not fit the new precision');
  }
  if (TEMPORAL_WITH_FRACTION.has(s.base) && s.base === a.base) {
    return (s.args[0] ?? 0) >= (a.args[0] ?? 0)
      ? { kind: 'widen' }
      : incompatible('fewer fractional digits would round archived values');
  }
  if ((s.base === 'enum' || s.base === 'set') && s.base === a.base) {
    const sourceValues = enumValues(source.columnType);
    const archiveValues = enumValues(archive.columnType);
    // ENUM values are stored by position: only appending keeps archived values meaning the same.
    return archiveValues.every((value, index) => sourceValues[index] === value)
      ? { kind: 'widen' }
      : incompatible(`${s.base.toUpperCase()} members were removed or reordered`);
  }
  if (s.base === 'float' && a.base === 'float') {
    return { kind: 'same' };
  }
  if (s.base === 'double' && (a.base === 'float' || a.base === 'double')) {
    return { kind: 'widen' };
  }
  return incompatible('DAS cannot convert archived values to the new type');
}

interface ParsedType {
  base: string;
  args: number[];
  unsigned: boolean;
}

function parseType(columnType: string): ParsedType {
  const lower = columnType.toLowerCase().trim();
  const base = lower.replace(/\(.*$/, '').replace(/\s.*$/, '');
  const argsMatch = /^[a-z]+\(([\d,\s]+)\)/.exec(lower);
  return {
    base,
    args: argsMatch ? argsMatch[1].split(',').map((n) => Number(n.trim())) : [],
    unsigned: /\bunsigned\b/.test(lower),
  };
}

/** MySQL 8 drops integer display widths (`int(11)` → `int`); they mean nothing for storage. */
function normalizeType(columnType: string): string {
  return columnType
    .toLowerCase()
    .replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, '$1')
    .replace(/\s+zerofill\b/, '')
    .trim();
}

function enumValues(columnType: string): string[] {
  const inner = columnType.replace(/^[a-z]+\(/i, '').replace(/\)$/, '');
  return [...inner.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));
}

function sameCharset(source: ColumnSchema, archive: ColumnSchema): boolean {
  return (source.charset ?? '') === (archive.charset ?? '');
}

function charsetSuffix(column: ColumnSchema): string {
  return column.charset ? ` (${column.charset})` : '';
}
