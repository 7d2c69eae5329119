import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now: number;
  let loads: number;
  const load = (value: string) => async () => {
    loads += 1;
    return value;
  };

  beforeEach(() => {
    now = 0;
    loads = 0;
  });

  it('answers from the cache until the entry is ttl old, then loads again', async () => {
    const cache = new TtlCache<string, string>(5000, 10, () => now);
    await expect(cache.get('a', load('first'))).resolves.toBe('first');
    now = 4999;
    await expect(cache.get('a', load('second'))).resolves.toBe('first');
    now = 5000;
    await expect(cache.get('a', load('third'))).resolves.toBe('third');
    expect(loads).toBe(2);
  });

  it('loads every time with a ttl of 0', async () => {
    const cache = new TtlCache<string, string>(0, 10, () => now);
    await cache.get('a', load('x'));
    await cache.get('a', load('x'));
    expect(loads).toBe(2);
  });

  it('forgets a deleted entry at once', async () => {
    const cache = new TtlCache<string, string>(5000, 10, () => now);
    await cache.get('a', load('old'));
    cache.delete('a');
    await expect(cache.get('a', load('new'))).resolves.toBe('new');
  });

  it('drops the oldest entry when full', async () => {
    const cache = new TtlCache<string, string>(5000, 2, () => now);
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('c', load('c'));
    expect(loads).toBe(3);
    await cache.get('b', load('b'));
    await cache.get('c', load('c'));
    expect(loads).toBe(3);
    await cache.get('a', load('a'));
    expect(loads).toBe(4);
  });
});
