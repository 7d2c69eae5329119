import { isoFromDatabaseTimestamp } from '../common/database-timestamp';
import { ColumnSchema } from '../database/schema/table-schema';

const SQLITE_STRING_NUMBERS = /bigint|decimal|numeric/i;

/**
 * Turns a stored value into JSON without losing anything: big integers and decimals as strings,
 * bytes as base64, date-times as ISO 8601 UTC strings keeping every fractional digit.
 */
export function jsonValue(value: unknown, column: ColumnSchema | undefined): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  if (Buffer.isBuffer(value)) {
    return value.toString('base64');
  }
  if (typeof value === 'bigint') {
    const stringByType = column !== undefined && SQLITE_STRING_NUMBERS.test(column.columnType);
    return stringByType || value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)
      ? value.toString()
      : Number(value);
  }
  if (typeof value === 'string' && column && (column.dataType === 'datetime' || column.dataType === 'timestamp')) {
    return isoFromDatabaseTimestamp(value);
  }
  if (typeof value === 'number' && column && SQLITE_STRING_NUMBERS.test(column.columnType)) {
    // SQLite stores DECIMAL(12,2) values like 12.5 as REAL; a string keeps the API's type stable.
    return String(value);
  }
  return value;
}
