import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // TensorFlow.js keeps global engine state per process; forks isolate test files from each other.
    pool: 'forks',
    // Two cores: one test file per core keeps timings stable.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
