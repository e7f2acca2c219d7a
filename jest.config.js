/**
 * Three projects: `unit` (in-process, no server, no child process; npm run test:unit), `integration`
 * (real HTTP on loopback, the CLI, terraform or cdktf as child processes) and `e2e` (whole
 * rotations with terraform, the provider bundle and the emulator). `jest` runs all three.
 */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    // Type checking runs once in `npm run typecheck`; per-file isolated transpiling keeps jest fast.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup-jest.ts'],
  testTimeout: 60000,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
  // Once per run, whichever projects run: one temporary folder for everything the tests create.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 60000,
  // Two cores: the end-to-end suites each spawn terraform and an emulator.
  maxWorkers: 2,
};
