// Small helpers shared by the benchmarks: process start-up, readiness polling, resident memory.
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What `npm start` runs (the bundled server); BENCH_SERVER_MAIN points elsewhere, e.g. dist/main.js to compare. */
export const serverMain = process.env.BENCH_SERVER_MAIN ?? path.join(repoRoot, 'packages/server/dist/bundle/rekey-server.mjs');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** BENCH_NODE_ARGS passes flags to the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it. */
export function startServer(env) {
  let output = '';
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverMain], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

export async function waitForStatus(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/status`);
      if (response.status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Proportional set size: shared pages (libraries, PostgreSQL's shared buffers) split among the processes sharing them. */
export async function pssKb(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const match = rollup.match(/^Pss:\s+(\d+) kB/m);
  return match ? Number(match[1]) : 0;
}

export async function rssKb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = status.match(/VmRSS:\s+(\d+) kB/);
  return match ? Number(match[1]) : 0;
}

/** A process and all its descendants (plus extra roots, such as the detached postmaster), as pids. */
export async function processTree(rootPids) {
  const parents = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(Number(entry), ppid);
  }
  const members = new Set(rootPids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return members;
}

/** Resident memory of a process and all its descendants, plus an extra root (the detached postmaster). */
export async function treeRssKb(rootPids) {
  const members = await processTree(rootPids);
  let total = 0;
  let pss = 0;
  for (const pid of members) {
    total += await rssKb(pid);
    pss += await pssKb(pid);
  }
  return { totalKb: total, pssKb: pss, processes: members.size };
}

/** User and system CPU time of a process and its descendants so far, in ms (Linux /proc; USER_HZ is 100). */
export async function treeCpuMs(rootPids) {
  let total = 0;
  for (const pid of await processTree(rootPids)) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return total;
}

export function table(rows) {
  const widths = Object.keys(rows[0]).map((key) => Math.max(key.length, ...rows.map((row) => String(row[key]).length)));
  const line = (values) => values.map((v, i) => String(v).padEnd(widths[i])).join('  ');
  console.log(line(Object.keys(rows[0])));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(Object.values(row)));
}
