/**
 * Jest 30 in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules, see package.json).
 * Three tiers: `src/**\/*.spec.ts` (pure code), `test/integration` (real database, real migrations)
 * and `test/e2e` (over HTTP). All of them run against PGlite unless DATABASE_URL names a server.
 */
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
  errorOnDeprecated: true,
};
