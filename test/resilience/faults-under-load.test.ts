import type { FaultRule } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachineIdentity } from '../../packages/server/src/test-support/fixtures.js';
import { sentinelValue } from '../../packages/server/src/test-support/sentinel.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../../packages/server/src/secret-rotations/test-support/rotation-harness.js';
import { captureLogs, captureResponse } from './support/capture.js';
import { scaled } from './support/scale.js';
import { api, send } from './support/world.js';

/**
 * Faults under load. Readers hammer `GET /api/v3/secrets/raw` with a machine identity's token while several
 * rotations rotate again and again ("rotate now") against an Entra ID emulator that throttles (429 with and
 * without Retry-After), fails (503) and stalls past Rekey's request timeout, and whose new secrets take
 * 0.3–1.5 s to start working (as Entra ID's do).
 *
 * Zero downtime, checked for real: every read must succeed and carry every managed secret, and every client
 * secret a reader ever sees is checked against the emulator's token endpoint the moment it is first seen.
 * A check that fails while the value is the published one, or the one just before it (which must stay valid
 * until the next rotation), is an invalid published credential. Rekey publishing a secret before Entra ID
 * accepts it, or revoking one that consumers may still hold, fails the test. On top, a consumer per rotation
 * keeps authenticating with the newest and the previous value it has seen, all the time.
 */

const durationMs = scaled({ full: 180_000, ci: 40_000 });
const readerCount = scaled({ full: 12, ci: 6 });
const rotationCount = scaled({ full: 4, ci: 3 });
const minimumRotationsEach = scaled({ full: 10, ci: 3 });
const activationDelay = { minMs: 300, maxMs: 1_500 };
const requestTimeoutMs = 2_000;

const graphRoutes: FaultRule['match'] = { route: ['getApplication', 'addPassword', 'removePassword'] };
const faults: Array<{ label: string; rule: FaultRule }> = [
  { label: 'Graph 429 with Retry-After', rule: { match: graphRoutes, action: { type: 'throttle', retryAfterSeconds: 1 }, probability: 0.1 } },
  { label: 'Graph 429 without Retry-After', rule: { match: graphRoutes, action: { type: 'throttle' }, probability: 0.08 } },
  { label: 'Graph 503', rule: { match: graphRoutes, action: { type: 'serverError', status: 503 }, probability: 0.08 } },
  { label: 'Graph timeout', rule: { match: graphRoutes, action: { type: 'delay', ms: requestTimeoutMs + 700 }, probability: 0.04 } },
  { label: 'token 503', rule: { match: { route: 'token' }, action: { type: 'serverError', status: 503 }, probability: 0.06 } },
  { label: 'token 429 with Retry-After', rule: { match: { route: 'token' }, action: { type: 'throttle', retryAfterSeconds: 1 }, probability: 0.03 } },
];

type Rotation = { id: string; target: TargetApp; mapping: { clientId: string; clientSecret: string } };

/** What readers have seen of one rotation's client secret: each distinct value, numbered in order of first sight. */
type Observed = { rotation: Rotation; seq: Map<string, number>; latest: number; values: string[] };

type Invalid = { rotation: string; seq: number; latest: number; how: string; error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('faults under load: readers never fail and never see a credential that does not work', () => {
  let h: RotationHarness;
  let rotations: Rotation[];
  let readerToken: string;
  let appSetting: string;

  beforeAll(async () => {
    h = await startRotationHarness({
      targets: rotationCount,
      realism: { activationDelay },
      engineOverrides: { verifyInitialDelayMs: 100, verifyMaxDelayMs: 500, verifyTimeoutMs: 60_000, transientBaseDelayMs: 100, transientRetries: 8 },
      env: { REKEY_AZURE_REQUEST_TIMEOUT_MS: String(requestTimeoutMs), REKEY_ROTATE_WAIT_MS: '60000', REKEY_MACHINE_LOGIN_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    appSetting = sentinelValue('app-setting');
    await api(h.t, 'POST', '/api/v3/secrets/raw/APP_SETTING', h.admin.userToken, { workspaceId: h.project.id, environment: 'dev', secretPath: '/', secretValue: appSetting });
    rotations = [];
    for (const target of h.targets) {
      const created = await h.createRotation(target);
      if (created.status !== 200) throw new Error(`creating a rotation failed: ${JSON.stringify(created.body)}`);
      const rotation = created.body.secretRotation as { id: string; secretsMapping: { clientId: string; clientSecret: string } };
      rotations.push({ id: rotation.id, target, mapping: rotation.secretsMapping });
    }
    // The first credential is published before it is verified (there is nothing older to fall back on):
    // the load starts once that background verification is over.
    await h.t.app.services.rotations.engine.idle();
    const published = await h.readSecrets();
    for (const rotation of rotations) {
      const check = await h.canAuthenticate(rotation.target.appId, published[rotation.mapping.clientSecret] ?? '');
      if (!check.ok) throw new Error(`the first credential of ${rotation.id} does not work: ${check.message}`);
    }
    readerToken = (await createMachineIdentity(h.t, h.admin.userToken, { projectId: h.project.id, projectRole: 'viewer', name: 'load-reader' })).accessToken;
  });

  afterAll(async () => {
    if (!h) return;
    h.emulator.admin.clearFaults();
    captureLogs('faults-under-load', h.t.logs.join(''));
    await h.close();
  });

  /** One token request with a client secret, retried through the injected 429s and 503s; 'ok' or Entra's refusal. */
  async function tokenWith(clientId: string, clientSecret: string): Promise<'ok' | string> {
    let last = '';
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const response = await fetch(`${h.emulator.origin}/${h.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }),
      });
      const text = await response.text();
      if (response.status === 200) return 'ok';
      last = `${response.status} ${text.slice(0, 160)}`;
      if (response.status !== 429 && response.status < 500) return last;
      await sleep(20);
    }
    return `the token endpoint kept failing: ${last}`;
  }

  it('0 read errors and 0 invalid published credentials while rotations run through 429s, 503s and timeouts', async () => {
    const t = h.t;
    const base = await t.listen();
    const readUrl = `${base}/api/v3/secrets/raw?workspaceId=${h.project.id}&environment=dev&secretPath=%2F`;
    const observed = new Map<string, Observed>(rotations.map((rotation) => [rotation.id, { rotation, seq: new Map(), latest: -1, values: [] }]));
    const invalid: Invalid[] = [];
    const readErrors: string[] = [];
    const latencies: number[] = [];
    const checks: Promise<void>[] = [];
    let reads = 0;
    let credentialChecks = 0;
    let supersededFailures = 0;
    const rotationOutcomes = { success: 0, failed: 0, refusedBusy: 0, unexpected: [] as string[] };
    const failureMessages = new Map<string, number>();

    /** Checks a value now; a refusal counts as invalid when the value is the newest or the one before it. */
    async function check(entry: Observed, value: string, how: string): Promise<void> {
      const seq = entry.seq.get(value) ?? -1;
      const result = await tokenWith(entry.rotation.target.appId, value);
      credentialChecks += 1;
      if (result === 'ok') return;
      if (entry.latest - seq <= 1) invalid.push({ rotation: entry.rotation.id, seq, latest: entry.latest, how, error: result });
      else supersededFailures += 1;
    }

    function observe(entry: Observed, value: string): void {
      if (entry.seq.has(value)) return;
      entry.latest += 1;
      entry.seq.set(value, entry.latest);
      entry.values.push(value);
      checks.push(check(entry, value, 'when first read'));
    }

    // Faults on, from here to the end of the load.
    const ruleLabels = new Map<string, string>();
    for (const fault of faults) ruleLabels.set(h.emulator.admin.addFault(fault.rule), fault.label);
    const injected = new Map<string, number>(faults.map((fault) => [fault.label, 0]));
    let lastSeq = h.emulator.admin.requestLog().at(-1)?.seq ?? 0;
    let emulatorRequests = 0;
    const countFaults = () => {
      for (const entry of h.emulator.admin.requestLog()) {
        if (entry.seq <= lastSeq) continue;
        lastSeq = entry.seq;
        emulatorRequests += 1;
        const label = entry.faultRuleId ? ruleLabels.get(entry.faultRuleId) : undefined;
        if (label) injected.set(label, (injected.get(label) ?? 0) + 1);
      }
    };

    const started = Date.now();
    // Rotations start until the deadline; readers and consumers go on until a second after the last one
    // ended, so every published value is read.
    const deadline = started + durationMs;
    let readersUntil = Number.POSITIVE_INFINITY;
    const isReading = () => Date.now() < readersUntil;
    const faultCounter = (async () => {
      while (isReading()) {
        countFaults();
        await sleep(500);
      }
    })();

    const reader = async (index: number) => {
      const headers = { authorization: `Bearer ${readerToken}` };
      while (isReading()) {
        const before = performance.now();
        let status = 0;
        let text = '';
        try {
          const response = await fetch(readUrl, { headers });
          status = response.status;
          text = await response.text();
        } catch (error) {
          text = error instanceof Error ? error.message : String(error);
        }
        latencies.push(performance.now() - before);
        reads += 1;
        if (reads % 250 === index) captureResponse({ source: 'faults-under-load reader', method: 'GET', url: readUrl, status, body: text, mayContainSecrets: status === 200 });
        if (status !== 200) {
          readErrors.push(`${status} ${text.slice(0, 200)}`);
          continue;
        }
        const secrets = new Map((JSON.parse(text) as { secrets: Array<{ secretKey: string; secretValue: string }> }).secrets.map((s) => [s.secretKey, s.secretValue]));
        if (secrets.get('APP_SETTING') !== appSetting) readErrors.push('APP_SETTING missing or changed');
        for (const entry of observed.values()) {
          const { rotation } = entry;
          const clientId = secrets.get(rotation.mapping.clientId);
          const clientSecret = secrets.get(rotation.mapping.clientSecret);
          if (clientId !== rotation.target.appId || !clientSecret) {
            readErrors.push(`rotation ${rotation.id}: ${rotation.mapping.clientId}=${clientId ?? '(missing)'}, ${rotation.mapping.clientSecret} ${clientSecret ? 'present' : 'missing'}`);
            continue;
          }
          observe(entry, clientSecret);
        }
      }
    };

    const rotator = async (rotation: Rotation) => {
      while (Date.now() < deadline) {
        const response = await send(t, 'POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`, { token: h.admin.userToken });
        if (response.status === 409) {
          rotationOutcomes.refusedBusy += 1;
          await sleep(100);
          continue;
        }
        const body = response.json as { secretRotation?: { rotationStatus: string; lastRotationMessage: string | null } } | undefined;
        const status = body?.secretRotation?.rotationStatus;
        if (response.status !== 200 || !status) {
          rotationOutcomes.unexpected.push(`${response.status} ${response.body.slice(0, 200)}`);
          await sleep(200);
        } else if (status === 'success') {
          rotationOutcomes.success += 1;
        } else if (status === 'failed') {
          rotationOutcomes.failed += 1;
          const message = (body.secretRotation?.lastRotationMessage ?? '').slice(0, 120);
          failureMessages.set(message, (failureMessages.get(message) ?? 0) + 1);
        } else {
          await t.app.services.rotations.engine.idle();
        }
      }
    };

    /** Keeps using the newest and the previous value seen, as long-running consumers do. */
    const consumer = async (entry: Observed) => {
      while (isReading()) {
        const newest = entry.values[entry.latest];
        const previous = entry.values[entry.latest - 1];
        if (newest) await check(entry, newest, 'by a consumer (newest)');
        if (previous) await check(entry, previous, 'by a consumer (previous)');
        await sleep(250);
      }
    };

    const rotators = Promise.all(rotations.map((rotation) => rotator(rotation))).then(() => {
      readersUntil = Date.now() + 1_000;
    });
    await Promise.all([
      faultCounter,
      rotators,
      ...Array.from({ length: readerCount }, (_, index) => reader(index)),
      ...[...observed.values()].map((entry) => consumer(entry)),
    ]);
    await Promise.all(checks);
    const elapsedS = (Date.now() - started) / 1000;
    countFaults();
    h.emulator.admin.clearFaults();

    // Afterwards Azure holds exactly what Rekey tracks: the active and the previous credential of each rotation.
    // (Abandoned timed-out addPassword calls still complete in the emulator: wait for them, then sweep.)
    await sleep(requestTimeoutMs + 1_500);
    await t.app.services.rotations.engine.idle();
    await t.app.services.rotations.engine.tick();
    await t.app.services.rotations.engine.sweepOrphans();
    await t.app.services.rotations.engine.tick();
    const passwordsPerTarget = rotations.map((rotation) => h.rekeyPasswords(rotation.target).length);
    const finalSecrets = await h.readSecrets();
    const finalChecks = await Promise.all(rotations.map((rotation) => h.canAuthenticate(rotation.target.appId, finalSecrets[rotation.mapping.clientSecret] ?? '')));

    const sorted = [...latencies].sort((a, b) => a - b);
    const distinct = [...observed.values()].reduce((sum, entry) => sum + entry.values.length, 0);
    const faultTotal = [...injected.values()].reduce((sum, count) => sum + count, 0);
    console.log(
      [
        `faults under load: ${elapsedS.toFixed(1)} s, ${readerCount} readers, ${rotations.length} rotations rotating back to back`,
        `reads: ${reads} (${(reads / elapsedS).toFixed(0)}/s, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${percentile(sorted, 100).toFixed(1)} ms), read errors: ${readErrors.length}`,
        `rotations completed: ${rotationOutcomes.success}, failed attempts: ${rotationOutcomes.failed}, "already in progress": ${rotationOutcomes.refusedBusy}`,
        ...[...failureMessages.entries()].map(([message, count]) => `  failed ×${count}: ${message}`),
        `faults injected: ${faultTotal} of ${emulatorRequests} emulator requests (${[...injected.entries()].map(([label, count]) => `${label} ×${count}`).join(', ')})`,
        `credentials: ${distinct} distinct values read, ${credentialChecks} token checks, invalid published credentials: ${invalid.length} (failures of values two or more rotations old: ${supersededFailures})`,
        `afterwards: Rekey passwords per application ${passwordsPerTarget.join(', ')}; published secrets work: ${finalChecks.every((c) => c.ok)}`,
      ].join('\n'),
    );

    expect(readErrors.slice(0, 20), `${readErrors.length} read errors`).toEqual([]);
    expect(invalid, 'invalid published credentials').toEqual([]);
    expect(rotationOutcomes.unexpected, 'unexpected answers to rotate-secrets').toEqual([]);
    // Every injected fault is transient and within the retry budget: no attempt may fail because of one.
    expect([...failureMessages.entries()].map(([message, count]) => `${count}× ${message}`), 'failed attempts').toEqual([]);
    expect(reads).toBeGreaterThan(readerCount * 50);
    expect(rotationOutcomes.success, 'rotations completed').toBeGreaterThanOrEqual(rotations.length * minimumRotationsEach);
    // Every rotation that completed published a value the readers saw (plus each first credential).
    expect(distinct).toBeGreaterThanOrEqual(rotations.length + rotationOutcomes.success);
    for (const fault of faults) expect(injected.get(fault.label), `faults injected: ${fault.label}`).toBeGreaterThan(0);
    expect(passwordsPerTarget).toEqual(rotations.map(() => 2));
    expect(finalChecks.every((c) => c.ok)).toBe(true);
  });
});
