import { tabSeparated } from './archive-writer';

describe('tabSeparated (the LOAD DATA stream)', () => {
  it('writes NULL as \\N, escapes the four special characters, hex-encodes bytes and keeps UTF-8 intact', () => {
    const rows = [
      ['1', null, 'tab\there', 'line\nbreak\r', 'back\\slash'],
      ['2', 42, 'Grüße 東京 🚚', Buffer.from([0, 255, 16]), true],
    ];

    const text = tabSeparated(rows, 5).toString('utf8');

    expect(text).toBe('1\t\\N\ttab\\there\tline\\nbreak\\r\tback\\\\slash\n' + '2\t42\tGrüße 東京 🚚\t00ff10\t1\n');
  });

  it('writes only the first `width` values of each row (the digest column stays behind)', () => {
    expect(tabSeparated([['a', 'b', 'digest']], 2).toString('utf8')).toBe('a\tb\n');
  });

  it('grows past its first buffer without losing or reordering a byte', () => {
    // ~1.2 MB of multi-byte text: many times the initial buffer, every line different.
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i), `${'é東🚚'.repeat(50)} #${i}`]);
    const expected = rows.map(([id, text]) => `${id}\t${text}\n`).join('');

    const encoded = tabSeparated(rows, 2);

    expect(encoded.length).toBe(Buffer.byteLength(expected, 'utf8'));
    expect(encoded.toString('utf8')).toBe(expected);
  });

  it('refuses a value it cannot represent rather than sending something else', () => {
    expect(() => tabSeparated([[{ not: 'a column value' }]], 1)).toThrow(/cannot send a value of type object/);
  });
});
