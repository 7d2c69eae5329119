const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

/**
 * A date-time as a database writes it in UTC (`2024-03-01 10:00:00.123456`) as ISO 8601 UTC
 * (`2024-03-01T10:00:00.123456Z`), keeping every fractional digit. Anything else — zero dates,
 * text that is no date-time — is returned unchanged.
 */
export function isoFromDatabaseTimestamp(text: string): string {
  const match = DATE_TIME.exec(text);
  // Zero dates ('0000-00-00 00:00:00') are not instants.
  return match && !text.startsWith('0000') ? `${match[1]}T${match[2]}Z` : text;
}
