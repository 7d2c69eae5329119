import { bearerCredential, isMetricsToken } from './metrics-token';

describe('bearerCredential', () => {
  it.each([
    ['Bearer abc.def-ghi', 'abc.def-ghi'],
    ['bearer  token-1 ', 'token-1'],
    ['BEARER x', 'x'],
  ])('reads %p as %p', (header, credential) => {
    expect(bearerCredential(header)).toBe(credential);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer two words', 'token-1'])('refuses %p', (header) => {
    expect(bearerCredential(header)).toBeNull();
  });
});

describe('isMetricsToken', () => {
  const configured = 'metrics-token-0123456789-abcdefghij';

  it('accepts the configured token only', () => {
    expect(isMetricsToken(configured, configured)).toBe(true);
    expect(isMetricsToken(`${configured}x`, configured)).toBe(false);
    expect(isMetricsToken(configured.slice(0, -1), configured)).toBe(false);
    expect(isMetricsToken(configured.toUpperCase(), configured)).toBe(false);
    expect(isMetricsToken('', configured)).toBe(false);
  });
});
