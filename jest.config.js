/**
 * Two tiers, one command (`npm test`):
 *  - unit: pure logic beside the code (src/**\/*.spec.ts, bench/**\/*.spec.ts);
 *  - e2e: the real Nest app over real HTTP, on SQLite and on a real MariaDB server that the global
 *    setup starts (or TEST_MYSQL_URL points at). In CI a missing MariaDB fails the run.
 * Heavier suites have their own projects and npm scripts (CI runs each with a time budget):
 *  - matrix: the generated table matrix of the engine (`npm run test:matrix`);
 *  - faults: throttling, lost connections, crashes, concurrent instances and readers (`npm run test:faults`);
 *  - fuzz: hostile requests to every route of the OpenAPI document, on MariaDB (`npm run test:fuzz`);
 *  - scale: queue mode with several API and worker processes, on MariaDB and a throwaway Redis
 *    (`npm run test:scale`);
 *  - browser: the web console in Chromium (playwright-core) against a running DAS on MariaDB
 *    (`npm run test:browser`); its global setup also builds the console bundle.
 */
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: '<rootDir>/tsconfig.json',
      // The same OpenAPI metadata the Nest CLI build generates, so /docs-json is tested as shipped.
      astTransformers: {
        before: ['<rootDir>/test/support/swagger-plugin-transformer.js'],
      },
      diagnostics: { warnOnly: false },
    },
  ],
};

const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform,
  testEnvironment: 'node',
};

/** The throwaway MariaDB server and UTC, for the tiers that boot the app. */
const withDatabases = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      ...withDatabases,
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'matrix',
      testMatch: ['<rootDir>/test/matrix/**/*.matrix-spec.ts'],
      ...withDatabases,
    },
    {
      ...common,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/test/**/*.fuzz-spec.ts'],
      ...withDatabases,
    },
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
      ...withDatabases,
    },
    {
      ...common,
      displayName: 'scale',
      testMatch: ['<rootDir>/test/scale/**/*.scale-spec.ts'],
      ...withDatabases,
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      ...withDatabases,
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
    },
  ],
  testTimeout: 120000,
};
