import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open real sockets and databases: keep the 2-core machine responsive.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
