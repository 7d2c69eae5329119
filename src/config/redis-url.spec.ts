import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads host, port, database, user and password', () => {
    expect(parseRedisUrl('redis://queue:s%3Acret@redis.internal:6380/2')).toEqual({
      host: 'redis.internal',
      port: 6380,
      username: 'queue',
      password: 's:cret',
      db: 2,
      tls: false,
      display: 'redis://queue:***@redis.internal:6380/2',
    });
  });

  it('defaults to port 6379, database 0, no credentials; rediss:// means TLS', () => {
    expect(parseRedisUrl('rediss://redis')).toMatchObject({
      host: 'redis',
      port: 6379,
      db: 0,
      username: null,
      password: null,
      tls: true,
    });
  });

  it.each([
    ['http://redis:6379', /redis:\/\/ or rediss:\/\//],
    ['redis://:hunter2@redis:6379/orders', /database index/],
    ['redis://', /not a valid URL|must name a host/],
  ])('refuses %s without showing a password', (url, message) => {
    let thrown: Error | undefined;
    try {
      parseRedisUrl(url);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(message);
    expect(thrown?.message).not.toContain('hunter2');
  });
});
