import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // The integration tests start a real server (embedded PostgreSQL) and the built CLI as processes.
    // Projects run one after another (groupOrder), so their servers never compete for the two cores.
    sequence: { groupOrder: 3 },
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
