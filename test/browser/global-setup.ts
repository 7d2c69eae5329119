import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import databasesSetup from '../support/global-setup';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The databases of the e2e tiers, and the console bundle as `npm run build` makes it: the service
 * under test (ts-node, src/main.ts) serves dist/console, so the browser sees the current sources.
 */
export default async function globalSetup(): Promise<void> {
  await databasesSetup();
  await promisify(execFile)(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.mts'],
    { cwd: REPO_ROOT, timeout: 180_000 },
  );
}
