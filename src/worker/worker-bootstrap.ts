import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { WorkerModule } from './worker.module';

/** Beyond SHUTDOWN_GRACE_SECONDS, how long shutdown may take before the process exits regardless. */
const FORCED_EXIT_MARGIN_MS = 4_500;

/**
 * Starts a queue worker: consumes the job queue until SIGTERM/SIGINT, then stops taking jobs, lets
 * the runs in flight finish their batch (SHUTDOWN_GRACE_SECONDS, as the service does) and exits.
 */
export async function bootstrapWorker(config: AppConfig): Promise<void> {
  if (config.jobs.execution !== 'queue') {
    process.stderr.write(
      'DAS cannot start. A worker consumes the job queue: set JOB_EXECUTION=queue and REDIS_URL ' +
        `(JOB_EXECUTION is "${config.jobs.execution}")\n`,
    );
    process.exit(1);
  }
  const worker = { ...config, appRole: 'worker' as const };
  const app = await NestFactory.createApplicationContext(WorkerModule.register(new AppConfig(worker)), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const deadlineMs = config.shutdownGraceSeconds * 1000 + FORCED_EXIT_MARGIN_MS;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`Still running ${deadlineMs} ms after ${signal}: exiting now`, 'Worker');
        process.exit(1);
      }, deadlineMs).unref();
    });
  }
  await app.init();
  logger.log(`DAS worker ${process.pid} started (JOB_CONCURRENCY=${config.jobs.concurrency})`, 'Worker');
}
