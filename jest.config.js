// One Jest run, two tiers. Unit tests (*.spec.ts) touch nothing outside the process.
// Integration tests (*.int.spec.ts) run against a real Temporal dev server and a real
// PostgreSQL that jest/integration-setup.ts starts once for the whole run.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = {
  '^@warden/engine/workflows$': '<rootDir>/libs/engine/src/workflows/index.ts',
  '^@warden/definition/runtime$': '<rootDir>/libs/definition/src/runtime.ts',
  '^@warden/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  rootDir: __dirname,
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.warden/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on real servers; Jest reads this only at the top level.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tests}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/jest/integration-setup.ts',
      globalTeardown: '<rootDir>/jest/integration-teardown.ts',
    },
  ],
};
