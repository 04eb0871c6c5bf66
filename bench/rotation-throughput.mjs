#!/usr/bin/env node
// Rotation throughput: N rotations over 50 applications in 10 tenants, all due at once, against the Entra
// emulator with 50 ms latency per call and instant activation. Prints wall time, the lower bound the
// configured concurrency allows (Azure calls per rotation x latency x rotations / concurrency) and their
// ratio (target <= 1.25). A second run uses a propagation delay and prints verification-wait percentiles.
// Run after `npm run build`; BENCH_ROTATIONS and BENCH_DELAYED_ROTATIONS scale it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, repoRoot, startServer, table, waitForStatus } from './lib.mjs';

const { ensureCa, startEmulator } = await import(path.join(repoRoot, 'packages/entra-emulator/dist/index.js'));
const latencyMs = 50;
const concurrency = 8;

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

const percentile = (values, p) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

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
    REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '250',
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
    // The other rotations are copies of the 50 created through the API (same apps, own folders).
    for (let i = templates.length; i < count; i++) {
      const template = templates[i % templates.length];
      await db.query(
        `insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, type, connection_id, parameters,
           secrets_mapping, is_auto_rotation_enabled, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, active_index,
           status, is_last_rotation_manual, consecutive_failures)
         select $1, org_id, project_id, environment_id, secret_path || '/' || $2, 'copy-' || $2, type, connection_id, parameters,
           secrets_mapping, true, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, 0, 'success', true, 0
         from secret_rotations where id = $3`,
        [randomUUID(), String(i), template],
      );
    }
    // Let the creations' background verification finish, then make everything due at once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    emulator.admin.clearRequestLog();
    const started = new Date();
    await db.query('update secret_rotations set next_rotation_at = now() - interval \'1 minute\'');
    const t0 = performance.now();
    while (true) {
      const { rows } = await db.query(
        `select count(*)::int as n from secret_rotations r where r.last_rotated_at >= $1 and r.status = 'success'
           and not exists (select 1 from secret_rotation_attempts a where a.rotation_id = r.id and a.step not in ('completed', 'failed', 'abandoned'))`,
        [started],
      );
      if (rows[0].n >= count) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error('rotations did not finish within 30 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wallMs = performance.now() - t0;
    const counters = emulator.admin.counters();
    const calls = counters.total;
    const { rows: waits } = await db.query(
      'select verification_wait_ms as w from secret_rotation_attempts where started_at >= $1 and verification_wait_ms is not null order by 1',
      [started],
    );
    return { wallMs, calls, addPassword: counters.byRoute.addPassword ?? 0, waits: waits.map((row) => row.w) };
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
const boundMs = (fast.calls * latencyMs) / concurrency;
table([
  {
    run: `${count} rotations, instant activation`,
    'wall (s)': (fast.wallMs / 1000).toFixed(1),
    'Azure calls': fast.calls,
    addPassword: fast.addPassword,
    [`bound at concurrency ${concurrency} (s)`]: (boundMs / 1000).toFixed(1),
    'wall / bound': (fast.wallMs / boundMs).toFixed(2),
  },
]);

const delayedCount = Number(process.env.BENCH_DELAYED_ROTATIONS ?? 100);
const delayed = await run(delayedCount, { activationDelay: 'realistic' });
table([
  {
    run: `${delayedCount} rotations, realistic activation (5-30 s)`,
    'wall (s)': (delayed.wallMs / 1000).toFixed(1),
    'verification wait p50 (s)': (percentile(delayed.waits, 50) / 1000).toFixed(1),
    'p90 (s)': (percentile(delayed.waits, 90) / 1000).toFixed(1),
    'max (s)': (percentile(delayed.waits, 100) / 1000).toFixed(1),
  },
]);
console.log(
  `\nrotation-throughput: ${count} rotations in ${(fast.wallMs / 1000).toFixed(1)} s, ${(fast.wallMs / boundMs).toFixed(2)} x the concurrency bound (target <= 1.25); verification wait p50 ${(percentile(delayed.waits, 50) / 1000).toFixed(1)} s under realistic activation`,
);
