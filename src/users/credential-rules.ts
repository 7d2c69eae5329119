import { CONNECTION_NAME_PATTERN } from '../connections/connection-names';

/**
 * Rules for usernames and passwords, shared by the HTTP DTOs and UsersService (which the CLI calls
 * without DTOs), so both paths accept exactly the same input and explain a refusal the same way.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const USERNAME_RULE = 'username must be 3 to 64 characters: letters, digits, "_", "." or "-"';

export const PASSWORD_MIN_LENGTH = 8;
/** Argon2 accepts any length; the cap only stops multi-megabyte "passwords" from burning CPU. */
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_RULE = `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`;

/**
 * Table permissions: a source table name as MySQL/SQLite identifiers usually look (`orders`: that
 * table on every connection), optionally qualified by a connection (`shop_eu/orders`: on that
 * connection only). Existence is not checked here.
 */
export const TABLE_NAME_PATTERN = new RegExp(`^(?:${CONNECTION_NAME_PATTERN.source.slice(1, -1)}/)?[A-Za-z0-9_$]{1,64}$`);
export const TABLE_NAME_RULE =
  'each table name must be 1 to 64 characters: letters, digits, "_" or "$", optionally after a connection name and "/"';

export function isValidPassword(password: string): boolean {
  return password.length >= PASSWORD_MIN_LENGTH && password.length <= PASSWORD_MAX_LENGTH;
}

/** The problems with a username/password pair, as messages for the caller (empty when both are fine). */
export function credentialProblems(username: string, password: string): string[] {
  const problems: string[] = [];
  if (!USERNAME_PATTERN.test(username)) {
    problems.push(USERNAME_RULE);
  }
  if (!isValidPassword(password)) {
    problems.push(PASSWORD_RULE);
  }
  return problems;
}
