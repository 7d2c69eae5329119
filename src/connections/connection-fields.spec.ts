import { InvalidConnectionError } from './connection-errors';
import { connectionFieldsOf, poolOptionsOf } from './connection-fields';

const BASE_DIR = '/srv/das';

function problemsOf(input: Parameters<typeof connectionFieldsOf>[0]): string[] {
  try {
    connectionFieldsOf(input, BASE_DIR);
  } catch (error) {
    if (error instanceof InvalidConnectionError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('connectionFieldsOf', () => {
  it('reads a URL: engine from the scheme, decoded user and password, typed options', () => {
    const fields = connectionFieldsOf(
      { role: 'source', url: 'mariadb://shop%40eu:p%40ss%2Fword@db.internal:3307/shop?connectionLimit=2&ssl=true' },
      BASE_DIR,
    );
    expect(fields).toMatchObject({
      role: 'source',
      engine: 'mariadb',
      host: 'db.internal',
      port: 3307,
      database: 'shop',
      username: 'shop@eu',
      options: { connectionLimit: 2, ssl: true },
    });
    expect(fields.password?.reveal()).toBe('p@ss/word');
    expect(poolOptionsOf(fields.options)).toEqual({ connectionLimit: 2, ssl: {} });
  });

  it('reads the parts one by one, port 3306 by default', () => {
    const fields = connectionFieldsOf(
      { role: 'archive', engine: 'mysql', host: 'h', database: 'vault', user: 'das', password: 'pw-123456' },
      BASE_DIR,
    );
    expect(fields).toMatchObject({ engine: 'mysql', host: 'h', port: 3306, database: 'vault', username: 'das' });
    expect(fields.password?.reveal()).toBe('pw-123456');
  });

  it('leaves the password undefined when none is given, and null when it is removed', () => {
    expect(connectionFieldsOf({ role: 'source', url: 'mysql://u@h/db' }, BASE_DIR).password).toBeUndefined();
    expect(connectionFieldsOf({ role: 'source', url: 'mysql://u@h/db', password: null }, BASE_DIR).password).toBeNull();
  });

  it('resolves a relative SQLite path against the base directory', () => {
    expect(connectionFieldsOf({ role: 'source', url: 'sqlite:data/shop.sqlite' }, BASE_DIR)).toMatchObject({
      engine: 'sqlite',
      database: '/srv/das/data/shop.sqlite',
      password: null,
    });
    expect(connectionFieldsOf({ role: 'archive', engine: 'sqlite', database: '/x/a.sqlite' }, BASE_DIR)).toMatchObject({
      database: '/x/a.sqlite',
    });
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        role: 'reader',
        url: 'mysql://u:p@h/db',
        host: 'other',
        options: { password: 'x', connectionLimit: 0 },
      }),
    ).toEqual([
      'role must be one of: source, archive',
      'give either url or engine, host, port, database and user, not both (got url and host)',
      'option password is not supported; supported: connectionLimit, connectTimeout, ssl',
      'option connectionLimit must be an integer from 1 to 64',
    ]);
    expect(problemsOf({ role: 'source', engine: 'mysql' })).toEqual([
      'database is required',
      'host is required',
      'user is required',
    ]);
  });

  it.each([
    'mysql://das:Pa55-secret-word@db:notaport/das',
    'mysql://das:Pa55-secret-word@db:3306/',
    'postgres://das:Pa55-secret-word@db/das',
    'mysql://das:Pa55-secret-word@[::1/das',
  ])('never repeats the URL or its password in a problem (%s)', (url) => {
    const problems = problemsOf({ role: 'source', url });
    expect(problems).toEqual([
      expect.stringMatching(/^url must look like mysql:\/\/user:password@host:3306\/database/),
    ]);
    expect(problems.join('')).not.toContain('Pa55-secret-word');
  });
});
