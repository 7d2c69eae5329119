import { ValueTransformer } from 'typeorm';

/**
 * BIGINT counters come back as strings from MySQL (bigNumberStrings) and as numbers from SQLite;
 * row counts stay far below 2^53, so a number is exact and convenient.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** JSON kept in a TEXT column: portable across MySQL and SQLite, and readable with plain SQL. */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : JSON.parse(value)),
};
