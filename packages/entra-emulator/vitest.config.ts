import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'entra-emulator',
    include: ['src/**/*.test.ts'],
    // Projects run one after another (groupOrder), so their servers never compete for the two cores.
    sequence: { groupOrder: 1 },
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
