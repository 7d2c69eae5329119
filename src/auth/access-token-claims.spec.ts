import { CLOCK_SKEW_SECONDS, parseAccessTokenClaims } from './access-token-claims';

describe('parseAccessTokenClaims', () => {
  const now = 1000;
  const valid = {
    sub: '7',
    username: 'alice',
    role: 'user',
    permissions: ['orders'],
    jti: 'Yc2rN0x4Qm6kP1sT8vW3zA',
    ver: 3,
    iat: 1000,
    exp: 4600,
  };

  it('turns well-formed claims into the authenticated user and the token it came with', () => {
    expect(parseAccessTokenClaims(valid, now)).toEqual({
      id: 7,
      username: 'alice',
      role: 'user',
      permissions: ['orders'],
      token: { id: 'Yc2rN0x4Qm6kP1sT8vW3zA', version: 3, expiresAt: new Date(4600 * 1000) },
    });
  });

  it('accepts an iat a little ahead of this clock (replicas differ)', () => {
    expect(parseAccessTokenClaims({ ...valid, iat: now + CLOCK_SKEW_SECONDS }, now)).not.toBeNull();
  });

  it.each([
    ['not an object', 'alice'],
    ['null', null],
    ['a numeric sub', { ...valid, sub: 7 }],
    ['a sub that is not a positive integer', { ...valid, sub: '0' }],
    ['a sub with junk', { ...valid, sub: '7 or 1=1' }],
    ['no username', { ...valid, username: undefined }],
    ['an empty username', { ...valid, username: '' }],
    ['an unknown role', { ...valid, role: 'root' }],
    ['a role of the prototype', { ...valid, role: 'constructor' }],
    ['permissions as a string', { ...valid, permissions: 'orders' }],
    ['permissions with a non-string', { ...valid, permissions: ['orders', 1] }],
    ['no iat', { ...valid, iat: undefined }],
    ['an iat in the future', { ...valid, iat: now + CLOCK_SKEW_SECONDS + 1, exp: now + 7200 }],
    ['a fractional iat', { ...valid, iat: 999.5 }],
    ['no exp', { ...valid, exp: undefined }],
    ['a string exp', { ...valid, exp: '4600' }],
    ['an exp not after iat', { ...valid, exp: 1000 }],
    ['no jti', { ...valid, jti: undefined }],
    ['a short jti', { ...valid, jti: 'abc' }],
    ['a jti with odd characters', { ...valid, jti: "Yc2rN0x4Qm6kP1sT8vW3zA' OR 1=1" }],
    ['no ver', { ...valid, ver: undefined }],
    ['a ver of 0', { ...valid, ver: 0 }],
    ['a string ver', { ...valid, ver: '3' }],
  ])('refuses %s', (_case, payload) => {
    expect(parseAccessTokenClaims(payload, now)).toBeNull();
  });
});
