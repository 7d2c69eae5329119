import { redactUrlQuery } from './redaction';

describe('redactUrlQuery', () => {
  it('replaces the values of secret-looking query parameters', () => {
    expect(redactUrlQuery('/api/v1/x?token=abc&limit=5&Password=p%20w&access_token=z')).toBe(
      '/api/v1/x?token=[redacted]&limit=5&Password=[redacted]&access_token=[redacted]',
    );
  });

  it('replaces the values of column filters on secret-looking columns', () => {
    expect(redactUrlQuery('/api/v1/archives/users?filter%5Btoken%5D=abc&prefix[password]=p&filter[id]=1')).toBe(
      '/api/v1/archives/users?filter%5Btoken%5D=[redacted]&prefix[password]=[redacted]&filter[id]=1',
    );
  });

  it('keeps URLs without secrets as they are', () => {
    expect(redactUrlQuery('/api/v1/archives/orders?limit=10&cursor=abc')).toBe(
      '/api/v1/archives/orders?limit=10&cursor=abc',
    );
    expect(redactUrlQuery('/api/v1/runs')).toBe('/api/v1/runs');
  });
});
