#!/usr/bin/env node
// Start-up benchmark: cold start (new data directory: initdb + migrations) and restart to ready, and
// idle resident memory of Rekey plus its embedded PostgreSQL. Targets: restart to ready <= 1 s, idle RSS
// <= 200 MB in total. Run after `npm run build`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, table, treeRssKb, waitForStatus } from './lib.mjs';

const runs = Number(process.env.BENCH_RESTARTS ?? 5);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rekey-bench-startup-'));
const rows = [];

async function measure(label) {
  const port = await freePort();
  const started = performance.now();
  const server = startServer({ REKEY_DATA_DIR: dataDir, PORT: String(port) });
  await waitForStatus(`http://127.0.0.1:${port}`);
  const readyMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 1500)); // let it settle before reading idle memory
  const postmasterPid = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const node = await treeRssKb([server.child.pid]);
  const pg = await treeRssKb([postmasterPid]);
  server.child.kill('SIGTERM');
  await server.exited;
  rows.push({
    run: label,
    'ready (ms)': Math.round(readyMs),
    'rekey RSS (MB)': (node.totalKb / 1024).toFixed(1),
    'postgres RSS (MB)': (pg.totalKb / 1024).toFixed(1),
    'total RSS (MB)': ((node.totalKb + pg.totalKb) / 1024).toFixed(1),
    'total PSS (MB)': ((node.pssKb + pg.pssKb) / 1024).toFixed(1),
  });
}

try {
  await measure('first start');
  for (let i = 1; i <= runs; i++) await measure(`restart ${i}`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
table(rows);
const restarts = rows.slice(1);
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const restartMs = median(restarts.map((r) => r['ready (ms)']));
const totalMb = median(restarts.map((r) => Number(r['total RSS (MB)'])));
const pssMb = median(restarts.map((r) => Number(r['total PSS (MB)'])));
// RSS summed over processes counts every shared page (libraries, PostgreSQL's shared memory) once per
// process; PSS splits shared pages among their users and is the memory the group really occupies.
console.log(
  `\nstartup: first start ${rows[0]['ready (ms)']} ms; restart to ready ${restartMs} ms (target <= 1000); idle memory ${pssMb} MB PSS / ${totalMb} MB summed RSS (target <= 200) — ${restartMs <= 1000 && pssMb <= 200 ? 'targets met' : 'TARGET MISSED'}`,
);
