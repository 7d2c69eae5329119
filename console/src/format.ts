/** How values are shown. Archived values are shown exactly as the API returned them. */

/** The API sends BIGINT beyond 2^53 and DECIMAL as strings and binary as base64; nothing is rounded here. */
export function exactText(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value, null, 2);
}

const BINARY_TYPE = /binary|blob|bytea/i;

export function isBinaryType(type: string): boolean {
  return BINARY_TYPE.test(type);
}

/** Hex of a base64 value (binary columns), or null when the value is not base64. */
export function base64ToHex(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  try {
    const bytes = atob(value);
    let hex = '';
    for (let index = 0; index < bytes.length; index++) {
      hex += bytes.charCodeAt(index).toString(16).padStart(2, '0');
    }
    return hex;
  } catch {
    return null;
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function duration(startedAt: string, finishedAt: string | null): string {
  const end = finishedAt ? Date.parse(finishedAt) : Date.now();
  const seconds = Math.max(0, Math.round((end - Date.parse(startedAt)) / 1000));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A short cell preview of a value; the row detail shows it whole. */
export function preview(value: unknown, max = 60): string {
  const text = exactText(value).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
