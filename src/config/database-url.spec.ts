import { describeConnection, parseDatabaseUrl, redactDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it('resolves relative SQLite paths against the base directory and keeps absolute ones', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.sqlite', '/srv/das')).toEqual({
      engine: 'sqlite',
      path: '/srv/das/data/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///var/lib/das/x.sqlite', '/srv/das')).toEqual({
      engine: 'sqlite',
      path: '/var/lib/das/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ engine: 'sqlite', path: ':memory:' });
  });

  it('reads mysql:// and mariadb:// URLs, decoding user and password and defaulting the port', () => {
    expect(parseDatabaseUrl('mariadb://d%40s:p%2Fw%3A1@db.internal/das_source?connectionLimit=4')).toEqual({
      engine: 'mysql',
      host: 'db.internal',
      port: 3306,
      user: 'd@s',
      password: 'p/w:1',
      database: 'das_source',
      options: { connectionLimit: '4' },
    });
  });

  it.each([
    ['mysql://das:hunter22@db:99999/x', /not a valid URL: mysql:\/\/das:\*\*\*@db:99999\/x/],
    ['mysql://das:hunter22@db:3306', /must name a database.*got mysql:\/\/das:\*\*\*@db:3306/],
    ['postgres://das:hunter22@db/x', /unsupported database URL.*postgres:\/\/das:\*\*\*@db\/x/],
  ])('rejects %s with the password masked', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
    expect(() => parseDatabaseUrl(url)).not.toThrow(/hunter22/);
  });
});

describe('redactDatabaseUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactDatabaseUrl('mysql://das:s3cr3t@db:3306/das')).toBe('mysql://das:***@db:3306/das');
  });

  it('leaves URLs without a password alone', () => {
    expect(redactDatabaseUrl('mysql://das@db/das')).toBe('mysql://das@db/das');
    expect(redactDatabaseUrl('sqlite:./data/x.sqlite')).toBe('sqlite:./data/x.sqlite');
  });
});

describe('describeConnection', () => {
  it('names engine, host, port and database but never the credentials', () => {
    const text = describeConnection(parseDatabaseUrl('mysql://das:s3cr3t@db:3307/das_archive'));
    expect(text).toBe('mysql://db:3307/das_archive');
  });
});
