import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // The integration tests start a real server (embedded PostgreSQL) and the built CLI as processes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
