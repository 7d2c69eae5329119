import fc from 'fast-check';

/** SQL metacharacters and injection attempts, for every engine DAS speaks to. */
export const SQL_ATTACKS = [
  "'",
  '"',
  '`',
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '`; DROP TABLE users; --',
  "'; DROP TABLE job_runs; --",
  'orders` WHERE 1=1 --',
  "1' UNION SELECT password_hash FROM users --",
  '%',
  '_',
  '\\',
  '\\x00',
  '?',
  ':name',
  '$1',
  '/*',
  '*/',
  'SLEEP(5)',
  "'||(SELECT 1)||'",
  'sqlite_master',
  'information_schema.TABLES',
  'mysql.user',
];

/** Path traversal, as text and as encoded for a URL (encoded again by the path builder). */
export const TRAVERSAL_ATTACKS = [
  '..',
  '../..',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '..%2f..%2fusers',
  '....//....//',
  '/etc/passwd',
  'C:\\boot.ini',
  'file:///etc/passwd',
];

/** Strings odd in other ways: empty, huge, control characters, Unicode, prototype names. */
export const ODD_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '\u202e',
  '\ud800',
  '😀'.repeat(20),
  'x'.repeat(70),
  'y'.repeat(5000),
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
];

/** Numbers written as strings the way a careless parser accepts them. */
export const NUMBER_TEXT_ATTACKS = [
  '0x10',
  '1e3',
  '1E3',
  '-1',
  '+5',
  '010',
  '1.5',
  '1,000',
  ' 5',
  '5 ',
  'NaN',
  'Infinity',
  '-0',
  '0',
  '9'.repeat(30),
  '9007199254740993',
  '0b11',
  '0o7',
];

/** JSON numbers that break ranges and types. */
export const NUMBER_ATTACKS = [
  -1,
  0,
  -0,
  1.5,
  -2147483649,
  2147483648,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  5e-324,
  1e21,
];

/**
 * A hostile string: an injection, a traversal, something odd, or any string at all. `avoid` lists
 * names that exist (users, tables, passwords): a request must never name a real object by chance,
 * whatever the spelling a database collation folds together (case, accents, trailing spaces).
 */
export function hostileString(avoid: ReadonlySet<string>): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(...SQL_ATTACKS, ...TRAVERSAL_ATTACKS, ...ODD_STRINGS, ...NUMBER_TEXT_ATTACKS),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    )
    .filter((text) => !avoid.has(foldedName(text)));
}

/** A name as MariaDB's utf8mb4_unicode_ci compares it (roughly): no case, no accents, no trailing spaces. */
export function foldedName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s\0]+$/u, '')
    .toLowerCase();
}

/** A JSON value of any type, for fields that expect another one. */
export function anyJsonValue(avoid: ReadonlySet<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString(avoid),
    fc.constantFrom(...NUMBER_ATTACKS),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.array(hostileString(avoid), { maxLength: 3 }),
    fc.dictionary(hostileString(avoid), fc.integer(), { maxKeys: 3 }),
    // An own property named __proto__, as JSON.parse makes it (an object literal would set the prototype).
    fc.constant(JSON.parse('{"__proto__":{"isAdmin":true}}') as unknown),
  );
}
