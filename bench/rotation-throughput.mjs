#!/usr/bin/env node
// Rotation throughput: N rotations over 50 applications in 10 tenants, all due at once, against the Entra
// emulator with 50 ms latency per call and instant activation. Prints wall time and lower bounds for the
// configured concurrency, with their ratios (target: wall / latency bound <= 1.25):
// - the latency bound: Azure calls per rotation x latency x rotations / concurrency, which assumes every
//   slot is making an Azure call all the time (REKEY_ROTATION_MAX_CONCURRENCY bounds Azure calls in flight:
//   each Graph or token request takes a slot just for the call; database work and waits hold none);
// - the schedule bound: the latency bound, or the longest application's chain (rotations of one
//   application run one after another, each holding the application through verification's pause of
//   min(500 ms, initial verification delay) between its two successful token requests), or the busiest
//   connection's share at REKEY_ROTATION_MAX_CONCURRENCY_PER_CONNECTION calls in flight, whichever is
//   largest (here the latency bound);
// - the CPU the run took (server, its PostgreSQL, this process with the emulator) against the machine's
//   cores: on a small machine that, not Azure latency, can be what limits the run.
// A second run uses a propagation delay (5-30 s) and prints verification-wait percentiles, and how long
// after the emulator started accepting each new secret its verification finished.
// Run after `npm run build`; BENCH_ROTATIONS and BENCH_DELAYED_ROTATIONS (0 skips the second run) scale it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, repoRoot, startServer, table, waitForStatus } from './lib.mjs';

const { ensureCa, startEmulator } = await import(path.join(repoRoot, 'packages/entra-emulator/dist/index.js'));
const latencyMs = 50;
const concurrency = 8;
const perConnection = 4; // REKEY_ROTATION_MAX_CONCURRENCY_PER_CONNECTION's default
const applications = 50;
const connections = 10;
const verifyInitialDelayMs = 250;
// The pause between the two successful verification requests (engine/verification.ts).
const verificationPauseMs = Math.min(500, verifyInitialDelayMs);

async function api(base, token, method, url, body) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function embeddedClient(dataDir) {
  const password = (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
  const port = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[3]);
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'rekey', password, database: 'rekey' });
  await client.connect();
  return client;
}

/** Transactions and time spent executing statements in the database so far (all sessions). */
async function databaseWork(db) {
  const { rows } = await db.query(
    `select (xact_commit + xact_rollback)::int as transactions, active_time as "activeMs" from pg_stat_database where datname = current_database()`,
  );
  return rows[0];
}

/**
 * CPU seconds used so far by a process and its descendants (the server, and the embedded PostgreSQL it
 * started with all its backends), from /proc: live processes' own time plus what exited children left
 * in their parents' counters. Undefined where /proc is missing.
 */
async function treeCpuSeconds(rootPid) {
  const ticks = 100; // USER_HZ on Linux
  const stats = new Map();
  try {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
      if (!text) continue;
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    }
  } catch {
    return undefined;
  }
  const inTree = (pid) => {
    for (let current = pid; current > 1; current = stats.get(current)?.ppid ?? 0) if (current === rootPid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) total += stat.cpu;
  return total / ticks;
}

async function cpuNow(serverPid) {
  const own = process.cpuUsage();
  return { server: await treeCpuSeconds(serverPid), bench: (own.user + own.system) / 1e6 };
}

const percentile = (values, p) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

/** Where the attempts' time went, from their journal: mean time per phase, and attempts in flight on average. */
async function attemptTimeline(db, started) {
  const { rows } = await db.query(
    `select extract(epoch from started_at) * 1000 as s, extract(epoch from issued_at) * 1000 as i, extract(epoch from verified_at) * 1000 as v,
       extract(epoch from promoted_at) * 1000 as p, extract(epoch from finished_at) * 1000 as f
     from secret_rotation_attempts where started_at >= $1 and finished_at is not null`,
    [started],
  );
  const mean = (values) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  const starts = rows.map((r) => Number(r.s)).sort((a, b) => a - b);
  const finishes = rows.map((r) => Number(r.f)).sort((a, b) => a - b);
  const busyMs = rows.reduce((sum, r) => sum + (Number(r.f) - Number(r.s)), 0);
  const span = finishes.at(-1) - starts[0];
  const verifiedFirst = rows.filter((r) => r.v !== null && r.p !== null && Number(r.v) <= Number(r.p));
  return {
    count: rows.length,
    meanAttemptMs: mean(rows.map((r) => Number(r.f) - Number(r.s))),
    claimToIssuedMs: mean(rows.filter((r) => r.i !== null).map((r) => Number(r.i) - Number(r.s))),
    issuedToVerifiedMs: mean(verifiedFirst.map((r) => Number(r.v) - Number(r.i))),
    verifiedToPromotedMs: mean(verifiedFirst.map((r) => Number(r.p) - Number(r.v))),
    promotedToFinishedMs: mean(rows.filter((r) => r.p !== null).map((r) => Number(r.f) - Number(r.p))),
    // Working or waiting; attempts only hold a slot while they work.
    meanAttemptsInFlight: busyMs / span,
  };
}

async function run(count, realism) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rekey-bench-rot-'));
  const ca = await ensureCa(path.join(dir, 'ca'));
  const emulator = await startEmulator({ caDir: path.join(dir, 'ca'), latencyMs, realism });
  const port = await freePort();
  const dataDir = path.join(dir, 'data');
  const server = startServer({
    REKEY_DATA_DIR: dataDir,
    PORT: String(port),
    NODE_EXTRA_CA_CERTS: ca.certPath,
    REKEY_AZURE_AUTHORITY_HOST: emulator.origin,
    REKEY_AZURE_GRAPH_URL: emulator.origin,
    REKEY_SCHEDULER_INTERVAL_MS: '100',
    REKEY_ROTATION_MAX_CONCURRENCY: String(concurrency),
    REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: String(verifyInitialDelayMs),
  });
  const base = `http://127.0.0.1:${port}`;
  let db;
  try {
    await waitForStatus(base);
    const boot = await api(base, undefined, 'POST', '/api/v1/admin/bootstrap', { email: 'bench@example.com', password: `Bench-${randomUUID()}`, organization: 'Bench' });
    const token = boot.identity.credentials.token;
    const { project } = await api(base, token, 'POST', '/api/v2/workspace', { projectName: 'Bench' });
    const templates = [];
    for (let t = 0; t < 10; t++) {
      const tenantId = randomUUID();
      emulator.admin.createTenant({ id: tenantId, displayName: `Tenant ${t}` });
      const secret = `bench-${randomUUID()}`;
      const rotator = emulator.admin.createApplication(tenantId, { displayName: 'Rotator', roles: ['Application.ReadWrite.OwnedBy'], passwordCredentials: [{ secretText: secret }] });
      const { appConnection } = await api(base, token, 'POST', '/api/v1/app-connections/azure-client-secrets', {
        name: `tenant-${t}`,
        method: 'client-secret',
        credentials: { tenantId, clientId: rotator.appId, clientSecret: secret },
      });
      for (let a = 0; a < 5; a++) {
        const app = emulator.admin.createApplication(tenantId, { displayName: `App ${a}`, owners: [rotator.id] });
        const { secretRotation } = await api(base, token, 'POST', '/api/v2/secret-rotations/azure-client-secret', {
          name: `t${t}-a${a}`,
          connectionId: appConnection.id,
          projectId: project.id,
          environment: 'dev',
          secretPath: `/t${t}/a${a}/0`,
          rotationInterval: 30,
          parameters: { objectId: app.id, clientId: app.appId },
          secretsMapping: { clientId: 'CLIENT_ID', clientSecret: 'CLIENT_SECRET' },
        });
        templates.push(secretRotation.id);
      }
    }
    db = await embeddedClient(dataDir);
    // The other rotations are copies of the 50 created through the API (same apps, own folders). With
    // fewer than 50, only the first `count` are made due.
    const rotationIds = [...templates];
    for (let i = templates.length; i < count; i++) {
      const template = templates[i % templates.length];
      rotationIds.push(randomUUID());
      await db.query(
        `insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, type, connection_id, parameters,
           secrets_mapping, is_auto_rotation_enabled, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, active_index,
           status, is_last_rotation_manual, consecutive_failures)
         select $1, org_id, project_id, environment_id, secret_path || '/' || $2, 'copy-' || $2, type, connection_id, parameters,
           secrets_mapping, true, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, 0, 'success', true, 0
         from secret_rotations where id = $3`,
        [rotationIds[i], String(i), template],
      );
    }
    // Let the creations' background verification finish, then make everything due at once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    emulator.admin.clearRequestLog();
    const databaseBefore = await databaseWork(db);
    const cpuBefore = await cpuNow(server.child.pid);
    const started = new Date();
    await db.query(`update secret_rotations set next_rotation_at = now() - interval '1 minute' where id = any($1::uuid[])`, [rotationIds.slice(0, count)]);
    const t0 = performance.now();
    // Done when every due rotation succeeded since the start and none of their attempts is still open
    // (the first credential's verification runs after it is published). Two plain counts: checking each
    // rotation's attempts took 30 index scans per rotation at 100 rotations (more than the engine's own
    // reads), and that grows with the square of the count.
    while (true) {
      const { rows } = await db.query(
        `select (select count(*)::int from secret_rotations where last_rotated_at >= $1 and status = 'success') as rotated,
           (select count(*)::int from secret_rotation_attempts where started_at >= $1 and step not in ('completed', 'failed', 'abandoned')) as open`,
        [started],
      );
      if (rows[0].rotated >= count && rows[0].open === 0) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error('rotations did not finish within 30 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallMs = performance.now() - t0;
    const cpuAfter = await cpuNow(server.child.pid);
    const cpu = {
      server: cpuBefore.server === undefined || cpuAfter.server === undefined ? undefined : cpuAfter.server - cpuBefore.server,
      bench: cpuAfter.bench - cpuBefore.bench,
    };
    // Statements outside a transaction count as one each; the bench's own polling is ten a second.
    // pg_stat_database is updated when a session reports (about once a second), hence the pause.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const databaseAfter = await databaseWork(db);
    const database = { transactions: databaseAfter.transactions - databaseBefore.transactions, activeMs: databaseAfter.activeMs - databaseBefore.activeMs };
    const log = emulator.admin.requestLog();
    const meanCallMs = log.reduce((sum, entry) => sum + entry.latencyMs, 0) / Math.max(1, log.length);
    // Calls in flight at the emulator over time, in tenths of the run: how much of the concurrency the
    // start, the steady middle and the end each used.
    const runStart = started.getTime();
    const tenths = Array.from({ length: 10 }, () => 0);
    const tenthMs = wallMs / 10;
    for (const entry of log) {
      const end = Date.parse(entry.time) - runStart;
      for (let from = end - entry.latencyMs; from < end; ) {
        const tenth = Math.min(9, Math.max(0, Math.floor(from / tenthMs)));
        const until = Math.min(end, (tenth + 1) * tenthMs);
        tenths[tenth] += Math.max(0, until - from);
        from = until > from ? until : end;
      }
    }
    const inFlightByTenth = tenths.map((ms) => Number((ms / tenthMs).toFixed(1)));
    const counters = emulator.admin.counters();
    const calls = counters.total;
    const attempts = await attemptTimeline(db, started);
    const { rows: waits } = await db.query(
      'select verification_wait_ms as w from secret_rotation_attempts where started_at >= $1 and verification_wait_ms is not null order by 1',
      [started],
    );
    // How long after the emulator started accepting each new secret its verification finished (the
    // second success included): what the verification schedule adds to the activation delay itself.
    const activeFrom = new Map();
    for (const tenant of emulator.admin.snapshot()) {
      for (const app of tenant.applications) for (const password of app.passwordCredentials) activeFrom.set(password.keyId, Date.parse(password.activeFromDateTime));
    }
    const { rows: verified } = await db.query(
      'select external_id, verified_at from secret_rotation_attempts where started_at >= $1 and verified_at is not null',
      [started],
    );
    const lateBy = verified
      .filter((row) => activeFrom.has(row.external_id))
      .map((row) => row.verified_at.getTime() - activeFrom.get(row.external_id))
      .sort((a, b) => a - b);
    return { wallMs, cpu, calls, inFlightByTenth, byRoute: counters.byRoute, attempts, database, meanCallMs, addPassword: counters.byRoute.addPassword ?? 0, waits: waits.map((row) => row.w), lateBy };
  } finally {
    await db?.end();
    server.child.kill('SIGTERM');
    await server.exited;
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const count = Number(process.env.BENCH_ROTATIONS ?? 1000);
const fast = await run(count, { activationDelay: 0 });
const callsPerRotation = fast.calls / count;
const latencyBoundMs = (fast.calls * latencyMs) / concurrency;
// The pause holds the application (one attempt per application at a time) but no slot.
const azureMsPerRotation = callsPerRotation * latencyMs;
const scheduleBoundMs = Math.max(
  latencyBoundMs,
  Math.ceil(count / applications) * (azureMsPerRotation + verificationPauseMs),
  (Math.ceil(count / connections) * azureMsPerRotation) / perConnection,
);
// Azure calls in flight on average, from the emulator's own timing of each call (above the configured
// latency by its processing): how much of the concurrency the run used.
const callsInFlight = (fast.calls * fast.meanCallMs) / fast.wallMs;
const cores = os.availableParallelism();
const cpuSeconds = (fast.cpu.server ?? 0) + fast.cpu.bench;
table([
  {
    run: `${count} rotations, instant activation`,
    'wall (s)': (fast.wallMs / 1000).toFixed(1),
    'Azure calls': `${fast.calls} (${callsPerRotation.toFixed(2)} per rotation)`,
    addPassword: fast.addPassword,
    [`latency bound at concurrency ${concurrency} (s)`]: (latencyBoundMs / 1000).toFixed(1),
    'wall / latency bound': (fast.wallMs / latencyBoundMs).toFixed(2),
    'schedule bound (s)': (scheduleBoundMs / 1000).toFixed(1),
    'wall / schedule bound': (fast.wallMs / scheduleBoundMs).toFixed(2),
    'Azure calls in flight': `${callsInFlight.toFixed(1)} of ${concurrency}`,
  },
]);
if (fast.cpu.server !== undefined) {
  console.log(
    `CPU: ${(cpuSeconds).toFixed(1)} s (server and its PostgreSQL ${fast.cpu.server.toFixed(1)} s, this process with the emulator ${fast.cpu.bench.toFixed(1)} s), ${((1000 * cpuSeconds) / count).toFixed(1)} ms per rotation; at ${cores} cores that alone takes ${(cpuSeconds / cores).toFixed(1)} s (${((1000 * cpuSeconds) / fast.wallMs / cores * 100).toFixed(0)} % of the machine during the run)`,
  );
}
console.log('attempt timeline (ms):', Object.fromEntries(Object.entries(fast.attempts).map(([key, value]) => [key, Number(value.toFixed(key === 'meanAttemptsInFlight' ? 1 : 0))])));
// What each call held its slot for, at most (if no slot was ever idle): the emulator's time plus the
// server's own time around the request (client libraries, TLS, waiting for its event loop).
const heldPerCallMs = (concurrency * fast.wallMs) / fast.calls;
console.log(
  `per rotation: ${(fast.database.transactions / count).toFixed(1)} database transactions, ${(fast.database.activeMs / count).toFixed(1)} ms executing statements; Azure calls took ${fast.meanCallMs.toFixed(0)} ms each inside the emulator (${latencyMs} ms configured), at most ${heldPerCallMs.toFixed(0)} ms each in a slot (${concurrency} x wall / calls)`,
);
console.log('Azure calls in flight at the emulator, by tenth of the run:', fast.inFlightByTenth.join(' '));
console.log('Azure calls per rotation by route:', Object.fromEntries(Object.entries(fast.byRoute).map(([route, n]) => [route, Number((n / count).toFixed(2))])));

const delayedCount = Number(process.env.BENCH_DELAYED_ROTATIONS ?? 100);
// BENCH_DELAYED_ROTATIONS=0 skips the realistic-activation run (profiling the first one).
const delayed = delayedCount > 0 ? await run(delayedCount, { activationDelay: 'realistic' }) : undefined;
if (delayed) {
  table([
    {
      run: `${delayedCount} rotations, realistic activation (5-30 s)`,
      'wall (s)': (delayed.wallMs / 1000).toFixed(1),
      'verification wait p50 (s)': (percentile(delayed.waits, 50) / 1000).toFixed(1),
      'p90 (s)': (percentile(delayed.waits, 90) / 1000).toFixed(1),
      'max (s)': (percentile(delayed.waits, 100) / 1000).toFixed(1),
      'after activation p50 / max (s)': `${(percentile(delayed.lateBy, 50) / 1000).toFixed(1)} / ${(percentile(delayed.lateBy, 100) / 1000).toFixed(1)}`,
    },
  ]);
}
console.log(
  `\nrotation-throughput: ${count} rotations in ${(fast.wallMs / 1000).toFixed(1)} s, ${(fast.wallMs / latencyBoundMs).toFixed(2)} x the latency bound (target <= 1.25), ${(fast.wallMs / scheduleBoundMs).toFixed(2)} x the schedule bound${delayed ? `; verification wait p50 ${(percentile(delayed.waits, 50) / 1000).toFixed(1)} s under realistic activation` : ''}`,
);
