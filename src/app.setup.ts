import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';

/** Unprefixed routes: probes, metrics and docs live at the root, everything else under /api/v1. */
const ROOT_ROUTES = ['health', 'ready', 'metrics'];

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApp(app: INestApplication): INestApplication {
  app.setGlobalPrefix('api/v1', { exclude: ROOT_ROUTES });
  app.use(helmet());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('DAS — Data Archival Service')
      .setDescription(
        'Moves old rows from a production database into an archive database, purges them after their ' +
          'retention period, and serves them to permitted readers. Every /api/v1 route except signup and ' +
          'login needs a bearer token from POST /api/v1/auth/login.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
