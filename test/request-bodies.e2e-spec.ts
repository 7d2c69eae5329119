import { brotliCompressSync, gzipSync } from 'node:zlib';
import { sendRaw } from './support/fuzz/raw-http';
import { TEST_ADMIN, TestApp, useTestApp } from './support/test-app';
import { TestDatabases } from './support/test-databases';

const LOGIN = '/api/v1/auth/login';
const credentials = JSON.stringify({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });

const json = { 'content-type': 'application/json' };
const errorOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const poster =
  (app: () => TestApp) =>
  (headers: Record<string, string>, body: Buffer | string, path = LOGIN) =>
    sendRaw(app().url.replace('[::1]', '127.0.0.1'), {
      method: 'POST',
      path,
      headers,
      body: Buffer.from(body),
      attack: 'test',
    });

/**
 * How request bodies are read (src/common/request-body.ts): every body that cannot be read is a
 * 4xx in the usual error shape, naming what to fix.
 */
describe('request bodies', () => {
  let app: TestApp;
  useTestApp('sqlite', (started: { databases: TestDatabases; app: TestApp }) => ({ app } = started));
  const post = poster(() => app);

  it('reads plain, gzip and br JSON bodies (the refusals below are about what each case changes)', async () => {
    expect((await post(json, credentials)).status).toBe(200);
    expect((await post({ ...json, 'content-encoding': 'gzip' }, gzipSync(credentials))).status).toBe(200);
    expect((await post({ ...json, 'content-encoding': 'br' }, brotliCompressSync(credentials))).status).toBe(200);
    expect((await post({ 'content-type': 'application/json; charset=UTF-8' }, credentials)).status).toBe(200);
  });

  it.each([
    [
      'a body over HTTP_BODY_LIMIT',
      json,
      JSON.stringify({ username: 'x'.repeat(110_000) }),
      413,
      'Request body is larger than the limit of 100kb (HTTP_BODY_LIMIT)',
    ],
    [
      'a gzip body over the limit once inflated',
      { ...json, 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ username: 'y'.repeat(5_000_000) })),
      413,
      'Request body is larger than the limit of 100kb (HTTP_BODY_LIMIT)',
    ],
    [
      'charset=bogus',
      { 'content-type': 'application/json; charset=bogus' },
      '{}',
      415,
      'Unsupported charset "bogus": send JSON as UTF-8',
    ],
    [
      'charset=utf-16',
      { 'content-type': 'application/json; charset=utf-16' },
      '{}',
      415,
      'Unsupported charset "utf-16": send JSON as UTF-8',
    ],
    [
      'a corrupt gzip body',
      { ...json, 'content-encoding': 'gzip' },
      'this is not gzip',
      400,
      'Request body could not be decompressed: it is not valid gzip',
    ],
    [
      'a corrupt br body',
      { ...json, 'content-encoding': 'br' },
      'this is not brotli',
      400,
      'Request body could not be decompressed: it is not valid br',
    ],
    [
      'Content-Encoding: compress',
      { ...json, 'content-encoding': 'compress' },
      '{}',
      415,
      'Unsupported Content-Encoding "compress": send the body as it is, or as gzip, deflate or br',
    ],
    [
      'a text/plain body',
      { 'content-type': 'text/plain' },
      'hello',
      415,
      'Unsupported Content-Type "text/plain": send the body as application/json',
    ],
    ['malformed JSON', json, '{"username":', 400, 'Request body is not valid JSON'],
    [
      'JSON 2,000 levels deep',
      json,
      `${'['.repeat(2000)}${']'.repeat(2000)}`,
      400,
      'Request body is nested deeper than 32 levels',
    ],
    [
      'a field 2,000 levels deep',
      json,
      `{"username":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
      400,
      'Request body is nested deeper than 32 levels',
    ],
  ])('answers %s with %p', async (_case, headers, body, status, message) => {
    const response = await post(headers, body);

    expect(response.status).toBe(status);
    expect(errorOf(response)).toEqual({ statusCode: status, message, error: expect.any(String) });
  });

  it('does not quote a malformed body back (it may hold a password), only where it broke', async () => {
    const response = await post(json, '{"password":"hunter2-secret" x}');

    expect(response.status).toBe(400);
    expect(errorOf(response).message).toMatch(/^Request body is not valid JSON \(at position \d+\)$/);
    expect(response.body).not.toContain('hunter2');
  });

  it('measures the depth before validation, whatever the route', async () => {
    const token = await app.adminToken();
    const response = await post(
      { ...json, authorization: `Bearer ${token}` },
      `{"tables":${'['.repeat(40)}${']'.repeat(40)}}`,
      '/api/v1/users/admin/permissions',
    );
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe('Request body is nested deeper than 32 levels');
  });
});

describe('HTTP_BODY_LIMIT', () => {
  let app: TestApp;
  useTestApp('sqlite', (started: { databases: TestDatabases; app: TestApp }) => ({ app } = started), {
    HTTP_BODY_LIMIT: '2kb',
  });
  const post = poster(() => app);

  it('sets the largest body read, and the 413 says it', async () => {
    expect((await post(json, credentials)).status).toBe(200);
    const response = await post(json, JSON.stringify({ username: 'x'.repeat(2100) }));
    expect(response.status).toBe(413);
    expect(errorOf(response).message).toBe('Request body is larger than the limit of 2kb (HTTP_BODY_LIMIT)');
  });
});
