import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'web',
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    // Each browser test file starts its own Rekey server, Entra emulator and Chromium: run them one at a
    // time so two cores are not oversubscribed, and keep the tests of a file in order.
    fileParallelism: false,
    // Projects run one after another (groupOrder), so their servers and browsers never compete for the cores.
    sequence: { concurrent: false, groupOrder: 4 },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
