#!/usr/bin/env node
// Runs every benchmark in turn (`npm run bench`). Each script also runs alone: node bench/<name>.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

const scripts = ['startup.mjs', 'secrets-read.mjs', 'rotation-throughput.mjs'].filter((name) =>
  existsSync(path.join(repoRoot, 'bench', name)),
);
let failed = 0;
for (const script of scripts) {
  console.log(`\n### bench/${script}`);
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bench', script)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
