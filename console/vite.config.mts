import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console's bundle: `npm run build` writes it to dist/console, where DAS serves it at
 * /console (src/web-console/web-console.ts). No dev server is needed; see docs/decisions/019.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline script may be needed: the page's Content-Security-Policy forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
