import { loadConfigOrExit } from './config/load-config-or-exit';
import { EncryptionKeyError } from './connections/connection-errors';
import { bootstrapWorker } from './worker/worker-bootstrap';

/**
 * A queue worker: `npm run worker`, or `node dist/worker.js` in the image (JOB_EXECUTION=queue,
 * REDIS_URL, and the same databases as the API). See README "Scaling out".
 */
bootstrapWorker(loadConfigOrExit()).catch((error: unknown) => {
  if (error instanceof EncryptionKeyError) {
    process.stderr.write(`DAS cannot start. ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
