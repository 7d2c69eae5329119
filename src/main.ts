import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { HTTP_APP_OPTIONS, configureApp } from './app.setup';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { EncryptionKeyError } from './connections/connection-errors';
import { bootstrapWorker } from './worker/worker-bootstrap';

/** Beyond SHUTDOWN_GRACE_SECONDS, how long shutdown may take before the process exits regardless. */
const FORCED_EXIT_MARGIN_MS = 4_500;

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.appRole === 'worker') {
    // One image, one entry point: APP_ROLE=worker makes this process a queue worker (as dist/worker.js).
    return bootstrapWorker(config);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    ...HTTP_APP_OPTIONS,
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureApp(app);
  if (config.jwt.secretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this boot; tokens stop working at restart', 'Config');
  }
  forceExitAfterShutdownDeadline(config.shutdownGraceSeconds, (message) => logger.error(message, 'Bootstrap'));
  await app.listen(config.port);
  logger.log(`DAS listening on http://localhost:${config.port} (API docs at /docs)`, 'Bootstrap');
}

/**
 * Shutdown is bounded by the job runner (SHUTDOWN_GRACE_SECONDS, then in-flight batches are rolled
 * back and recorded within a few seconds); should anything else keep the process alive after that,
 * it exits anyway, so that an orchestrator's grace period is never outlived.
 */
function forceExitAfterShutdownDeadline(graceSeconds: number, log: (message: string) => void): void {
  const deadlineMs = graceSeconds * 1000 + FORCED_EXIT_MARGIN_MS;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        log(`Still running ${deadlineMs} ms after ${signal}: exiting now`);
        process.exit(1);
      }, deadlineMs).unref();
    });
  }
}

bootstrap().catch((error: unknown) => {
  // The key check names the variable to fix: said like a bad configuration, without a stack.
  if (error instanceof EncryptionKeyError) {
    process.stderr.write(`DAS cannot start. ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
