import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The two spellings of a point in time the API reads: a day (`2024-03-01`, midnight UTC), or a date
 * and time with an explicit zone (`2024-03-01T10:00:00Z`, `2024-03-01T12:00+02:00`, seconds and
 * fractions optional). A bare year or month, a time without a zone, week or ordinal dates are
 * refused: each would have to be guessed.
 */
const DATE_OR_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;

/** The instant `text` names, or null when it is not one of the accepted spellings or no real date (Feb 30). */
export function parseIsoDateOrInstant(text: string): Date | null {
  const match = DATE_OR_INSTANT.exec(text);
  if (!match) {
    return null;
  }
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const fraction = match[7] ? Number(match[7]) : 0;
  const [, , , , , , , , , sign, offsetHours, offsetMinutes] = match;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000);
  if (new Date(local).getUTCDate() !== day) {
    return null;
  }
  if (sign === undefined) {
    return new Date(local);
  }
  if (Number(offsetHours) > 14 || Number(offsetMinutes) > 59) {
    return null;
  }
  const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return new Date(sign === '+' ? local - offsetMs : local + offsetMs);
}

/** Validation: the value is a string `parseIsoDateOrInstant` accepts. */
export function IsIsoDateOrInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateOrInstant',
      validator: { validate: (value: unknown) => typeof value === 'string' && parseIsoDateOrInstant(value) !== null },
    },
    options,
  );
}
