import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test-support/global-setup.ts'],
    // Projects run one after another (groupOrder), so their servers never compete for the two cores.
    sequence: { groupOrder: 2 },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own database; two workers keep a 2-core machine busy without thrashing.
    maxWorkers: 2,
  },
});
