import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import serverSetup from '../../packages/server/src/test-support/global-setup.js';
import { sentinelMarker } from '../../packages/server/src/test-support/sentinel.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The server suite's setup (one PostgreSQL for the run, a database per file, and at the end a scan of
 * every table for sentinel values), plus the leak scan of the logs and responses the tests captured.
 */
export default async function setup(project: TestProject) {
  // One folder per run, so two runs at once (or a run after a crashed one) never mix their captures.
  const captureDir = path.join(repoRoot, '.rekey-test', `resilience-capture-${process.pid}-${Date.now()}`);
  await mkdir(captureDir, { recursive: true });
  project.provide('captureDir', captureDir);
  const teardownServer = await serverSetup(project);

  return async () => {
    try {
      const leaks = await findCapturedLeaks(captureDir);
      if (leaks.length > 0) throw new Error(`Sentinel secrets found where they are not permitted:\n${leaks.join('\n')}`);
      await rm(captureDir, { recursive: true, force: true });
    } finally {
      await teardownServer();
    }
  };
}

async function findCapturedLeaks(dir: string): Promise<string[]> {
  const leaks: string[] = [];
  let scannedLogs = 0;
  let scannedResponses = 0;
  for (const name of await readdir(dir)) {
    const lines = (await readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean);
    for (const line of lines) {
      const entry = JSON.parse(line) as { source: string; method?: string; url?: string; mayContainSecrets?: boolean };
      if (name.startsWith('logs-')) scannedLogs += 1;
      else scannedResponses += 1;
      if (!line.includes(sentinelMarker) || entry.mayContainSecrets === true) continue;
      leaks.push(name.startsWith('logs-') ? `log of ${entry.source}` : `${entry.source}: ${entry.method} ${entry.url}`);
    }
  }
  console.log(`leak scan: ${scannedLogs} log captures and ${scannedResponses} responses checked, ${leaks.length} leak(s)`);
  return leaks;
}
