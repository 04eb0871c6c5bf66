#!/usr/bin/env node
// Secrets read benchmark: GET /api/v3/secrets/raw for 50 secrets of ~300 bytes, read by a machine identity
// (Universal Auth), against the built server on an embedded PostgreSQL in a temporary data directory, side by
// side with a bare Fastify server (bench/bare-server.mjs, its own process like Rekey) that returns the same
// response bytes from memory. Runs alternate (Rekey,
// bare, Rekey, bare, ...) so both see the same machine conditions; the ratio Rekey/bare is the figure.
// Infisical measured on the same machine class: about 100-110 req/s (reference/infisical-api.md).
// Run after `npm run build`; BENCH_DURATION (seconds per run), BENCH_CONNECTIONS and BENCH_ROUNDS tune it.
// BENCH_DATABASE_URL runs Rekey on that PostgreSQL server instead (a fresh database is created on it).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { freePort, repoRoot, startServer, table, treeCpuMs, waitForStatus } from './lib.mjs';

const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const secretCount = 50;

async function api(base, method, url, body, token) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} -> ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Bootstrap, a project, a machine identity with Universal Auth and project membership, 50 secrets. */
async function seed(base) {
  const boot = await api(base, 'POST', '/api/v1/admin/bootstrap', {
    email: 'bench@example.com',
    password: `Bench-${randomBytes(12).toString('hex')}`,
    organization: 'Bench',
  });
  const admin = boot.identity.credentials.token;
  const { project } = await api(base, 'POST', '/api/v2/workspace', { projectName: 'Bench', slug: 'bench-read' }, admin);
  const { identity } = await api(base, 'POST', '/api/v1/identities', { name: 'bench-reader', organizationId: boot.organization.id, role: 'member' }, admin);
  const { identityUniversalAuth } = await api(base, 'POST', `/api/v1/auth/universal-auth/identities/${identity.id}`, {}, admin);
  const { clientSecret } = await api(base, 'POST', `/api/v1/auth/universal-auth/identities/${identity.id}/client-secrets`, { description: 'bench' }, admin);
  await api(base, 'POST', `/api/v2/workspace/${project.id}/identity-memberships/${identity.id}`, { roles: [{ role: 'member', isTemporary: false }] }, admin);
  const { accessToken } = await api(base, 'POST', '/api/v1/auth/universal-auth/login', { clientId: identityUniversalAuth.clientId, clientSecret });
  const secrets = Array.from({ length: secretCount }, (_, i) => ({
    secretKey: `SECRET_${String(i + 1).padStart(3, '0')}`,
    secretValue: `value-${String(i + 1).padStart(3, '0')}-${randomBytes(144).toString('hex')}`,
    secretComment: '',
  }));
  await api(base, 'POST', '/api/v3/secrets/batch/raw', { workspaceId: project.id, environment: 'dev', secretPath: '/', secrets }, accessToken);
  return { projectId: project.id, token: accessToken };
}

/** A fresh database on an external server, dropped at the end. */
async function createBenchDatabase(adminUrl) {
  const { default: pg } = await import('pg');
  const name = `rekey_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** User and system CPU time of a process so far, in ms (Linux /proc; 0 elsewhere). */
async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return { user: 0, system: 0 };
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 10; // USER_HZ is 100 on Linux
  return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
}

function run(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections, duration }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rekey-bench-secrets-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const database = process.env.BENCH_DATABASE_URL ? await createBenchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const storage = database
  ? { DATABASE_URL: database.url, REKEY_ROOT_KEY: randomBytes(32).toString('base64') }
  : { REKEY_DATA_DIR: dataDir };
const server = startServer({ ...storage, PORT: String(port), REKEY_WORKER: 'false', LOG_LEVEL: 'warn' });
let bare;
try {
  await waitForStatus(base);
  const { projectId, token } = await seed(base);
  const listPath = `/api/v3/secrets/raw?workspaceId=${projectId}&environment=dev&secretPath=/`;
  const headers = { authorization: `Bearer ${token}` };
  const first = await fetch(`${base}${listPath}`, { headers });
  const bytes = Buffer.from(await first.arrayBuffer());
  const count = JSON.parse(bytes.toString('utf8')).secrets.length;
  if (first.status !== 200 || count !== secretCount) throw new Error(`list returned ${first.status} with ${count} secrets`);

  const bodyFile = path.join(dataDir, 'bare-body.json');
  await writeFile(bodyFile, bytes);
  const barePort = await freePort();
  bare = spawn(process.execPath, [path.join(repoRoot, 'bench', 'bare-server.mjs')], {
    env: { PATH: process.env.PATH, PORT: String(barePort), BARE_BODY_FILE: bodyFile },
    stdio: 'ignore',
  });
  await waitForStatus(`http://127.0.0.1:${barePort}`);

  // Warm both (JIT, caches, connection pool) before measuring.
  await run(`${base}${listPath}`, headers);
  await run(`http://127.0.0.1:${barePort}${listPath}`, headers);

  const rows = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [name, url, pid] of [
      ['rekey', `${base}${listPath}`, server.child.pid],
      ['bare fastify', `http://127.0.0.1:${barePort}${listPath}`, bare.pid],
    ]) {
      const postmasterPid = database ? undefined : Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const pgBefore = postmasterPid ? await treeCpuMs([postmasterPid]) : 0;
      const cpuBefore = await cpuMs(pid);
      const result = await run(url, headers);
      const cpuAfter = await cpuMs(pid);
      const pgAfter = postmasterPid ? await treeCpuMs([postmasterPid]) : 0;
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed > 0) throw new Error(`${name}: ${failed} failed requests (non-2xx ${result.non2xx}, errors ${result.errors})`);
      rows.push({
        round,
        server: name,
        'req/s': Math.round(result.requests.average),
        'p50 (ms)': result.latency.p50,
        'p99 (ms)': result.latency.p99,
        requests: result.requests.total,
        // CPU the server process spent per request (the load generator and PostgreSQL are separate processes).
        'user µs/req': Math.round((1000 * (cpuAfter.user - cpuBefore.user)) / result.requests.total),
        'system µs/req': Math.round((1000 * (cpuAfter.system - cpuBefore.system)) / result.requests.total),
        // Rekey's own (embedded) PostgreSQL: what a read costs there (the queued audit events); not measured for
        // an external server.
        'postgres µs/req': name === 'rekey' && postmasterPid ? Math.round((1000 * (pgAfter - pgBefore)) / result.requests.total) : '',
      });
    }
  }
  table(rows);
  const mean = (name, key) => {
    const values = rows.filter((row) => row.server === name).map((row) => row[key]);
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  const rekey = mean('rekey', 'req/s');
  const bareRps = mean('bare fastify', 'req/s');
  console.log(
    `\nsecrets-read (${database ? 'external PostgreSQL' : 'embedded PostgreSQL'}): ${secretCount} secrets, ${bytes.length} bytes per response, ${connections} connections, ${rounds}x${duration}s runs: ` +
      `Rekey ${Math.round(rekey)} req/s (p50 ${mean('rekey', 'p50 (ms)').toFixed(1)} ms, p99 ${mean('rekey', 'p99 (ms)').toFixed(1)} ms), ` +
      `bare Fastify ${Math.round(bareRps)} req/s; ratio Rekey/bare ${(rekey / bareRps).toFixed(3)}`,
  );
} finally {
  bare?.kill('SIGTERM');
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
  await database?.drop();
}
