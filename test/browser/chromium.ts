import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package (`.ci/run` installs it); CHROMIUM_PATH overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    return configured;
  }
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/** Headless Chromium; without the sandbox, which needs user namespaces that CI's root shell may lack. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) {
    throw new Error('Chromium not found: install the Debian package `chromium` or set CHROMIUM_PATH');
  }
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
