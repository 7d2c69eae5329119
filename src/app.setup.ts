import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { parseQueryString } from './common/query-string';
import { configureRequestBodies } from './common/request-body';
import { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { serveConsole } from './web-console/web-console';

/** Unprefixed routes: probes, metrics and docs live at the root, everything else under /api/v1. */
const ROOT_ROUTES = ['health', 'ready', 'metrics'];

/**
 * Options for creating the HTTP app, in main.ts and e2e tests alike. Nest's default body parsers
 * stay off: configureApp installs the strict one (see request-body.ts).
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bodyParser: false };

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  setRoutePrefix(app);
  // Express 5's "simple" parser, plus `filter[column]=` and `prefix[column]=` as objects (query-string.ts).
  app.set('query parser', parseQueryString);
  app.use(helmet());
  serveConsole(app);
  configureRequestBodies(app, app.get(AppConfig));
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** Routes live under /api/v1, probes at the root (the OpenAPI export needs exactly this too). */
export function setRoutePrefix(app: INestApplication): void {
  app.setGlobalPrefix('api/v1', { exclude: ROOT_ROUTES });
}
