import { parseAccessTokenClaims } from './access-token-claims';

describe('parseAccessTokenClaims', () => {
  const valid = { sub: '7', username: 'alice', role: 'user', permissions: ['orders'], iat: 1000, exp: 4600 };

  it('turns well-formed claims into the authenticated user', () => {
    expect(parseAccessTokenClaims(valid)).toEqual({ id: 7, username: 'alice', role: 'user', permissions: ['orders'] });
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
    ['permissions as a string', { ...valid, permissions: 'orders' }],
    ['permissions with a non-string', { ...valid, permissions: ['orders', 1] }],
    ['no iat', { ...valid, iat: undefined }],
    ['no exp', { ...valid, exp: undefined }],
    ['a string exp', { ...valid, exp: '4600' }],
  ])('refuses %s', (_case, payload) => {
    expect(parseAccessTokenClaims(payload)).toBeNull();
  });
});
