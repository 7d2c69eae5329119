import { buildAppConfig } from '../config/app-config';
import { MIN_SCRUBBED_SECRET_LENGTH, configuredSecrets, createSecretScrubber, learnSecret } from './secret-scrubber';

describe('createSecretScrubber', () => {
  it('removes a configured secret wherever it appears in a line', () => {
    const scrub = createSecretScrubber(['db-pass-123']);
    expect(scrub('{"msg":"login as root with db-pass-123 failed; db-pass-123"}')).toBe(
      '{"msg":"login as root with [redacted] failed; [redacted]"}',
    );
  });

  it('removes the JSON-escaped and URL-encoded forms of a secret', () => {
    const secret = 'p"a\\ss/w@rd';
    const scrub = createSecretScrubber([secret]);
    expect(scrub(JSON.stringify({ msg: `value ${secret}` }))).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(scrub(`mysql://u:${encodeURIComponent(secret)}@h/db`)).not.toContain(encodeURIComponent(secret));
  });

  it('leaves very short secrets alone rather than blanking common letters', () => {
    const short = 'x'.repeat(MIN_SCRUBBED_SECRET_LENGTH - 1);
    expect(createSecretScrubber([short])(`text ${short}`)).toBe(`text ${short}`);
  });

  it('removes JWTs and bearer tokens whoever logged them', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJlLXZhbHVl';
    const scrub = createSecretScrubber([]);
    expect(scrub(`token ${jwt} issued`)).toBe('token [redacted] issued');
    expect(scrub('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
  });

  it('removes passwords from URLs, keeping user and host', () => {
    const scrub = createSecretScrubber([]);
    expect(scrub('cannot reach mysql://das:s3cr3t@db.internal:3306/das_source')).toBe(
      'cannot reach mysql://das:***@db.internal:3306/das_source',
    );
  });

  it('leaves ordinary lines unchanged', () => {
    const line = '{"level":30,"req":{"method":"GET","url":"/api/v1/runs?limit=10"},"msg":"request completed"}';
    expect(createSecretScrubber(['some-long-secret'])(line)).toBe(line);
  });
});

describe('configuredSecrets', () => {
  it('lists the encryption keys and the password for connection:add', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 5 + 1));
    const config = buildAppConfig({ ENCRYPTION_KEY: key.toString('base64'), CONNECTION_PASSWORD: 'connection-pw' });
    expect(configuredSecrets(config)).toEqual(
      expect.arrayContaining([key.toString('base64'), key.toString('base64url'), 'connection-pw']),
    );
  });

  it('lists the JWT secret, the bootstrap admin password, the metrics token and every MySQL password', () => {
    const config = buildAppConfig({
      JWT_SECRET: 'jwt-secret-jwt-secret',
      METRICS_TOKEN: 'metrics-token-metrics-token',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-password',
      CONTROL_DB_URL: 'mysql://a:control-pw@h/c',
      SOURCE_DB_URL: 'mysql://a:source-pw@h/s',
      ARCHIVE_DB_URL: 'mysql://a:archive-pw@h/a',
    });
    expect(configuredSecrets(config).sort()).toEqual(
      [
        'jwt-secret-jwt-secret',
        'admin-password',
        'metrics-token-metrics-token',
        'control-pw',
        'source-pw',
        'archive-pw',
      ].sort(),
    );
  });
});

describe('learnSecret', () => {
  it('makes scrubbers built before it remove the secret learned at run time', () => {
    const scrub = createSecretScrubber(['configured-secret']);
    const decrypted = `decrypted-at-run-time-${Date.now()}`;
    expect(scrub(`login with ${decrypted}`)).toBe(`login with ${decrypted}`);
    learnSecret(decrypted);
    expect(scrub(`login with ${decrypted} and configured-secret`)).toBe('login with [redacted] and [redacted]');
    expect(scrub(JSON.stringify({ url: `mysql://u:${encodeURIComponent(decrypted)}@h/db` }))).not.toContain(decrypted);
  });
});
