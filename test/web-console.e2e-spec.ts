import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { serveConsole } from '../src/web-console/web-console';

@Module({})
class EmptyModule {}

/**
 * How the console bundle is served (src/web-console/web-console.ts), on a bundle directory this
 * test writes: the real one, in Chromium, is tested by test/browser/.
 */
describe('web console serving', () => {
  let bundleDir: string;
  let app: NestExpressApplication;

  const start = async (dir: string): Promise<void> => {
    app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
    serveConsole(app, dir);
    await app.init();
  };

  beforeEach(() => {
    bundleDir = mkdtempSync(join(tmpdir(), 'das-console-'));
  });

  afterEach(async () => {
    await app?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  describe('with a built bundle', () => {
    beforeEach(async () => {
      writeFileSync(join(bundleDir, 'index.html'), '<!doctype html><title>DAS console</title>');
      mkdirSync(join(bundleDir, 'assets'));
      writeFileSync(join(bundleDir, 'assets', 'index-3fA9_k2Q.js'), 'console.log(1)');
      await start(bundleDir);
    });

    it('answers the page for any console path, never cached, with a CSP that forbids inline scripts and framing', async () => {
      for (const path of ['/console', '/console/', '/console/archives/orders', '/console/runs/12']) {
        const response = await request(app.getHttpServer()).get(path).expect(200);
        expect(response.text).toContain('<title>DAS console</title>');
        expect(response.headers['cache-control']).toBe('no-cache');
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(response.headers['x-frame-options']).toBe('DENY');
      }
    });

    it('caches hashed assets for good, and a missing asset is a 404, not the page', async () => {
      const asset = await request(app.getHttpServer()).get('/console/assets/index-3fA9_k2Q.js').expect(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const missing = await request(app.getHttpServer()).get('/console/assets/index-00000000.js').expect(404);
      expect(missing.text).not.toContain('DAS console');
    });

    it('redirects / to the console, and leaves other methods to the API (404 here)', async () => {
      const root = await request(app.getHttpServer()).get('/').expect(302);
      expect(root.headers.location).toBe('/console/');
      await request(app.getHttpServer()).post('/console/archives').expect(404);
    });
  });

  it('without a bundle, says how to build it (503) instead of a bare 404', async () => {
    await start(join(bundleDir, 'absent'));
    const response = await request(app.getHttpServer()).get('/console/').expect(503);
    expect(response.text).toContain('npm run build');
  });
});
