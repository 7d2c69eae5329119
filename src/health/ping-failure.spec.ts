import { PingTimeoutError, describePingFailure } from './ping-failure';

describe('describePingFailure', () => {
  const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('says how long the ping waited when it timed out', () => {
    expect(describePingFailure(new PingTimeoutError(2500))).toBe('no answer within 2500 ms');
  });

  it('names a known driver code in words, without the driver message (hosts, users, paths)', () => {
    const error = driverError('ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:3306');
    expect(describePingFailure(error)).toBe('connection refused (ECONNREFUSED)');
    const denied = driverError(
      'ER_ACCESS_DENIED_ERROR',
      "Access denied for user 'das'@'10.1.2.4' (using password: YES)",
    );
    expect(describePingFailure(denied)).toBe('access denied (ER_ACCESS_DENIED_ERROR)');
  });

  it('reports an unknown code by the code alone', () => {
    expect(describePingFailure(driverError('ER_SOMETHING_NEW', 'secret details'))).toBe(
      'ping failed (ER_SOMETHING_NEW)',
    );
  });

  it('says only "ping failed" for errors without a usable code', () => {
    expect(describePingFailure(new Error('mysql://das:pw@db/x is gone'))).toBe('ping failed');
    expect(describePingFailure(driverError('not a code; DROP', 'x'))).toBe('ping failed');
    expect(describePingFailure('a string')).toBe('ping failed');
    expect(describePingFailure(null)).toBe('ping failed');
  });
});
