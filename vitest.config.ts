import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that count skipped polls and late heartbeats of a fleet polled every second: they run
 * after every other file, one at a time, so that the two cores are theirs. Shared with other
 * files, a second-long stall of the machine (not of the server) skips hundreds of polls.
 */
const LOAD_TESTS = ['test/integration/web/live-viewers-load.test.ts', 'test/integration/web/chart-under-load.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'tests',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...LOAD_TESTS],
          // Integration tests open real sockets and databases: keep the 2-core machine responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: LOAD_TESTS,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
