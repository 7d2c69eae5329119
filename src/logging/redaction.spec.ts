import { redactUrlQuery } from './redaction';

describe('redactUrlQuery', () => {
  it('replaces the values of secret-looking query parameters', () => {
    expect(redactUrlQuery('/api/v1/x?token=abc&limit=5&Password=p%20w&access_token=z')).toBe(
      '/api/v1/x?token=[redacted]&limit=5&Password=[redacted]&access_token=[redacted]',
    );
  });

  it('keeps URLs without secrets as they are', () => {
    expect(redactUrlQuery('/api/v1/archives/orders?limit=10&cursor=abc')).toBe(
      '/api/v1/archives/orders?limit=10&cursor=abc',
    );
    expect(redactUrlQuery('/api/v1/runs')).toBe('/api/v1/runs');
  });
});
