import { parseQueryString } from './query-string';

describe('parseQueryString', () => {
  it('reads plain parameters as Express 5 does (repeated ones as arrays)', () => {
    expect({ ...parseQueryString('limit=5&from=2024-01-01&limit=6') }).toEqual({
      limit: ['5', '6'],
      from: '2024-01-01',
    });
  });

  it('gathers filter[column] and prefix[column] into Maps, keys as written', () => {
    const parsed = parseQueryString(
      'filter[id]=1&filter[__proto__]=2&prefix[a%5Db]=x%25&filter[]=3&filter[id2]=4&filter[id2]=5',
    );
    expect(parsed.filter).toEqual(
      new Map<string, unknown>([
        ['id', '1'],
        ['__proto__', '2'],
        ['', '3'],
        ['id2', ['4', '5']],
      ]),
    );
    expect(parsed.prefix).toEqual(new Map([['a]b', 'x%']]));
  });

  it('nests nothing else, and leaves bracketed keys alone where the plain parameter is given too', () => {
    expect({ ...parseQueryString('a[b]=1&limit[]=2') }).toEqual({ 'a[b]': '1', 'limit[]': '2' });
    expect({ ...parseQueryString('filter=x&filter[id]=1') }).toEqual({ filter: 'x', 'filter[id]': '1' });
  });
});
