import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The resilience suite (`npm run test:resilience`): crashes, replicas, faults under load, hostile input,
 * the authorization matrix and the leak scan. Not part of `npm test`; `.ci/run` runs it scaled down with
 * REKEY_RESILIENCE_SCALE=ci.
 */
export default defineConfig({
  root: repoRoot,
  test: {
    name: 'resilience',
    include: ['test/resilience/**/*.test.ts', 'packages/server/src/resilience/**/*.test.ts'],
    globalSetup: ['test/resilience/global-setup.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    // The files spawn server processes and load generators of their own; one at a time keeps figures honest
    // on a two-core machine.
    fileParallelism: false,
  },
});
