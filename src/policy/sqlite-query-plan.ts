/**
 * One line of SQLite's EXPLAIN QUERY PLAN: a table access counts when it goes through an index or
 * the rowid (`SEARCH …`, `SCAN … USING [COVERING] INDEX`); a bare `SCAN` reads the whole table and
 * a `TEMP B-TREE` sorts, neither does.
 */
export function readsThroughIndex(detail: string): boolean {
  if (/TEMP B-TREE/.test(detail)) {
    return false;
  }
  return !/^SCAN\b/.test(detail) || /\bUSING\b.*\b(INDEX|PRIMARY KEY)\b/.test(detail);
}
