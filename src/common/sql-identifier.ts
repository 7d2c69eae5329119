import { Matches, ValidationOptions } from 'class-validator';

/**
 * What a MySQL/MariaDB (or SQLite) table or column name can be: 1 to 64 characters of the Basic
 * Multilingual Plane, no NUL (without the `u` flag, a character beyond U+FFFF is two surrogates,
 * which the class excludes). A name beyond that cannot exist, and MariaDB refuses to even compare
 * one with its catalog (information_schema is utf8mb3): it is refused as input instead.
 */
export const SQL_IDENTIFIER_PATTERN = /^[^\0\uD800-\uDFFF]{1,64}$/;

/** Validation of a field that names a table or a column. */
export function IsSqlIdentifier(options: ValidationOptions = {}): PropertyDecorator {
  return Matches(SQL_IDENTIFIER_PATTERN, {
    message: ({ property }) =>
      `${property} must be a table or column name: 1 to 64 characters, none beyond U+FFFF, no NUL`,
    ...options,
  });
}
