// `npm run screenshots`: takes docs/screenshots/*.png of the main pages (not part of npm test).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/screenshots/**/*.shots.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
