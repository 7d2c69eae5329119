import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * The bundle `npm run build` writes (Vite, see console/vite.config.mts). Resolved from the
 * repository root, so that the compiled service (dist/web-console/) and the TypeScript sources run
 * by ts-node (src/web-console/) find the same directory.
 */
export const CONSOLE_BUNDLE_DIR = resolve(__dirname, '..', '..', 'dist', 'console');

/**
 * The console's own policy, stricter than the API's: scripts and styles only from this origin (no
 * inline script or style), API calls only to this origin, never framed, no <base>, no plugins.
 * `blob:` images and downloads are for exports handed to the browser as a file.
 */
const consoleSecurityPolicy = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      scriptSrcAttr: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

/** Hashed file names (assets/index-3f2a1c.js) never change content: cached for a year. */
const HASHED_ASSET = /\/assets\/[^/]+-[\w-]{8,}\.\w+$/;

/**
 * Serves the web console (a static bundle: HTML, JS, CSS) at /console, same origin as the API,
 * and redirects `/` there. Every other path under /console answers index.html, so that a console
 * URL such as /console/archives/orders can be opened directly. Without a built bundle, /console
 * answers 503 saying how to build it rather than a bare 404.
 */
export function serveConsole(app: NestExpressApplication, bundleDir = CONSOLE_BUNDLE_DIR): void {
  const index = join(bundleDir, 'index.html');
  app.use(CONSOLE_PATH, consoleSecurityPolicy);
  app.useStaticAssets(bundleDir, {
    prefix: CONSOLE_PATH,
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (response, path) => {
      response.setHeader('Cache-Control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    if (request.path.startsWith('/assets/')) {
      // A missing asset is a 404, not the page (a stale tab asking for an old bundle's chunk).
      response.status(404).type('text/plain').send('Not found');
      return;
    }
    if (!existsSync(index)) {
      response
        .status(503)
        .type('text/plain')
        .send('The web console is not built: run `npm run build` (or `npm start`, which builds it).');
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
      response.redirect(302, `${CONSOLE_PATH}/`);
      return;
    }
    next();
  });
}
