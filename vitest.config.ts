import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: one test file per core keeps timings stable.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/renderer/**'],
          globalSetup: ['test/global-setup.ts'],
          // TensorFlow.js keeps global engine state per process; forks isolate test files from each other.
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // expect.poll waits for a page or a process to catch up: its default second is too short on a
          // loaded two-core machine (a lazily loaded view took longer to show its form).
          expect: { poll: { timeout: 90_000 } },
        },
      },
      {
        // The renderer's components and state classes: compiled by the Svelte plugin, run in jsdom with
        // Svelte's browser build (svelteTesting adds the "browser" condition and cleans up after each test).
        // Only this project resolves the browser condition: node tests (ws, the server) must not.
        plugins: [svelte({ configFile: false }), svelteTesting()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['test/renderer/jsdom-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
