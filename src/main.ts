import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfigOrExit } from './config/load-config-or-exit';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.create(AppModule.register(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureApp(app);
  if (config.jwt.secretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this boot; tokens stop working at restart', 'Config');
  }
  await app.listen(config.port);
  logger.log(`DAS listening on http://localhost:${config.port} (API docs at /docs)`, 'Bootstrap');
}

void bootstrap();
