import { ColumnSchema } from '../database/schema/table-schema';
import { jsonValue } from './archive-values';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/**
 * Writes exported rows in one format. Every value is first what the JSON read gives
 * (archive-values.ts: big integers and DECIMALs as strings, bytes as base64, date-times as ISO
 * 8601 UTC with every stored fractional digit, JSON columns as their stored text), so a file and
 * a page of the read never disagree on a value.
 */
export interface ExportWriter {
  /** What comes before the first row (the CSV header line). */
  header(): string;
  /** Rows as the database gave them, in select-list order (the table's columns). */
  rows(rows: readonly unknown[][]): string;
}

export function exportWriter(format: ExportFormat, columns: readonly ColumnSchema[]): ExportWriter {
  switch (format) {
    case 'csv':
      return {
        header: () => csvLine(columns.map((column) => column.name)),
        rows: (rows) =>
          rows.map((row) => csvLine(columns.map((column, i) => csvField(jsonValue(row[i], column))))).join(''),
      };
    case 'jsonl':
      return {
        header: () => '',
        rows: (rows) =>
          rows
            .map(
              (row) =>
                `${JSON.stringify(Object.fromEntries(columns.map((column, i) => [column.name, jsonValue(row[i], column)])))}\n`,
            )
            .join(''),
      };
  }
}

/** RFC 4180: fields separated by commas, a line ends with CRLF. */
function csvLine(fields: readonly (string | null)[]): string {
  return `${fields.map((field) => (field === null ? '' : quotedIfNeeded(field))).join(',')}\r\n`;
}

/**
 * A value as CSV text; null for SQL NULL, which is written as nothing at all, while an empty string
 * is written `""` so that the two stay apart.
 */
function csvField(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : JSON.stringify(value);
}

/** RFC 4180 quoting: a field with a quote, comma, CR or LF (or an empty one) in quotes, quotes doubled. */
function quotedIfNeeded(field: string): string {
  return field === '' || /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
