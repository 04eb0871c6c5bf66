import { type GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GRAPH_SCOPE,
  graphAs,
  postToken,
  READER,
  rejectionOf,
  ROTATOR,
  sleep,
  startTestEmulator,
  TARGET,
  TARGET_2,
  TENANT,
} from './test-support/fixtures.js';
import type { RunningEmulator } from './types.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.admin.reset();
});

describe('throttling faults and the Graph RetryHandler', () => {
  it('429 with Retry-After: 1 is retried by the Graph client after about a second', async () => {
    const client = graphAs(emulator, READER);
    await client.api(`/applications/${TARGET.id}`).get(); // token fetched before timing starts
    emulator.admin.addFault({ match: { route: 'listApplications' }, times: 1, action: { type: 'throttle', retryAfterSeconds: 1, includeThrottleHeaders: true } });

    const started = performance.now();
    const page = await client.api('/applications').get();
    const waited = performance.now() - started;
    expect(page.value.length).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(950);

    const calls = emulator.admin.requestLog().filter((entry) => entry.route === 'listApplications');
    expect(calls.map((entry) => entry.status)).toEqual([429, 200]);
    expect(calls[1]?.headers['retry-attempt']).toBe('1');
    expect(emulator.admin.counters().byRouteAndStatus.listApplications).toEqual({ '200': 1, '429': 1 });
  });

  it('Retry-After as an HTTP-date, and the body is TooManyRequests', async () => {
    emulator.admin.addFault({ match: { method: 'GET', path: '^/v1\\.0/applications$' }, times: 1, action: { type: 'throttle', retryAfterSeconds: 2, retryAfterFormat: 'http-date' } });
    const token = await postToken(emulator, TENANT.id, { grant_type: 'client_credentials', client_id: READER.appId, client_secret: READER.secret, scope: GRAPH_SCOPE });
    const response = await fetch(`${emulator.origin}/v1.0/applications`, { headers: { authorization: `Bearer ${String(token.body.access_token)}` } });
    expect(response.status).toBe(429);
    const retryAt = Date.parse(response.headers.get('retry-after') ?? '');
    expect(retryAt - Date.now()).toBeGreaterThan(0);
    expect(retryAt - Date.now()).toBeLessThanOrEqual(2_000);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
  });

  it('500 is not retried by the Graph client; 503 without Retry-After can be given up on by the caller', async () => {
    const client = graphAs(emulator, READER);
    emulator.admin.addFault({ match: { route: 'getApplication' }, times: 1, action: { type: 'serverError', status: 500 } });
    const error = (await rejectionOf(client.api(`/applications/${TARGET.id}`).get())) as unknown as GraphError;
    expect(error).toMatchObject({ statusCode: 500, code: 'generalException' });

    emulator.admin.addFault({ match: { route: 'getApplication' }, times: 1, action: { type: 'serverError', status: 503 } });
    const unavailable = (await rejectionOf(
      client.api(`/applications/${TARGET.id}`).middlewareOptions([new RetryHandlerOptions(0, 0)]).get(),
    )) as unknown as GraphError;
    expect(unavailable).toMatchObject({ statusCode: 503, code: 'serviceNotAvailable' });
  });

  it('faults apply to the token endpoint with the identity error envelope', async () => {
    emulator.admin.addFault({ match: { route: 'token', app: ROTATOR.appId }, times: 1, action: { type: 'serverError', status: 503, retryAfterSeconds: 3 } });
    const form = { grant_type: 'client_credentials', client_id: ROTATOR.appId, client_secret: ROTATOR.secret, scope: GRAPH_SCOPE };
    const failed = await postToken(emulator, TENANT.domain, form);
    expect(failed).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect((await postToken(emulator, TENANT.domain, form)).status).toBe(200);
  });
});

describe('rule scopes', () => {
  it('times, skip, tenant/app matching and clearFaults', async () => {
    const client = graphAs(emulator, ROTATOR);
    const ruleId = emulator.admin.addFault({ match: { route: 'addPassword', app: TARGET.appId, tenant: TENANT.domain }, skip: 1, times: 1, action: { type: 'forbidden' } });
    expect(ruleId).toMatch(/^fault_/);
    await client.api(`/applications/${TARGET.id}/addPassword`).post({}); // skipped
    await client.api(`/applications/${TARGET_2.id}/addPassword`).post({}); // other app
    const denied = (await rejectionOf(client.api(`/applications/${TARGET.id}/addPassword`).post({}))) as unknown as GraphError;
    expect(denied).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    await client.api(`/applications/${TARGET.id}/addPassword`).post({}); // times exhausted

    emulator.admin.addFault({ match: { route: 'addPassword' }, action: { type: 'conflict' } });
    expect(await rejectionOf(client.api(`/applications/${TARGET.id}/addPassword`).post({}))).toMatchObject({ code: 'Directory_ConcurrencyViolation' });
    emulator.admin.clearFaults();
    await client.api(`/applications/${TARGET.id}/addPassword`).post({});
  });

  it('probability 0 never fires; delay slows an answer; reset drops the connection', async () => {
    const client = graphAs(emulator, READER);
    await client.api(`/applications/${TARGET.id}`).get();
    emulator.admin.addFault({ match: { route: 'getApplication' }, probability: 0, action: { type: 'serverError' } });
    await client.api(`/applications/${TARGET.id}`).get();
    emulator.admin.clearFaults();

    emulator.admin.addFault({ match: { route: 'getApplication' }, times: 1, action: { type: 'delay', ms: 300 } });
    const started = performance.now();
    await client.api(`/applications/${TARGET.id}`).get();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    emulator.admin.addFault({ match: { route: 'getApplication' }, times: 1, action: { type: 'reset' } });
    await expect(client.api(`/applications/${TARGET.id}`).get()).rejects.toThrow();
    expect(emulator.admin.requestLog().at(-1)).toMatchObject({ route: 'getApplication', status: 0 });
  });
});

describe('hold / release', () => {
  it("holds addPassword after the password exists, until release (a crash window between Azure and the caller)", async () => {
    const client = graphAs(emulator, ROTATOR);
    await client.api(`/applications/${TARGET.id}`).get();
    const ruleId = emulator.admin.addFault({ match: { route: 'addPassword' }, action: { type: 'hold', phase: 'after' } });

    let settled = false;
    const pending = client
      .api(`/applications/${TARGET.id}/addPassword`)
      .post({ passwordCredential: { displayName: 'held' } })
      .finally(() => {
        settled = true;
      });
    const held = await emulator.admin.waitForHeld(ruleId, { timeoutMs: 5_000 });
    expect(held).toMatchObject({ method: 'POST', path: `/v1.0/applications/${TARGET.id}/addPassword`, route: 'addPassword', phase: 'after' });
    expect(emulator.admin.heldRequests()).toHaveLength(1);

    // The effect is committed while the caller still waits.
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id).map((password) => password.displayName)).toEqual(['held']);
    await sleep(200);
    expect(settled).toBe(false);

    emulator.admin.release(ruleId);
    const added = await pending;
    expect(added.displayName).toBe('held');
    // Released rules let later requests through.
    await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    expect(emulator.admin.heldRequests()).toEqual([]);
  });

  it("holds before the effect with phase 'before'", async () => {
    const client = graphAs(emulator, ROTATOR);
    await client.api(`/applications/${TARGET.id}`).get();
    const ruleId = emulator.admin.addFault({ match: { route: 'addPassword' }, action: { type: 'hold' } });
    const pending = client.api(`/applications/${TARGET.id}/addPassword`).post({});
    await emulator.admin.waitForHeld(ruleId);
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id)).toEqual([]);
    emulator.admin.release(ruleId);
    await pending;
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id)).toHaveLength(1);
  });

  it('waitForHeld rejects after its timeout', async () => {
    const ruleId = emulator.admin.addFault({ match: { route: 'removePassword' }, action: { type: 'hold' } });
    await expect(emulator.admin.waitForHeld(ruleId, { timeoutMs: 50 })).rejects.toThrow(/within 50 ms/);
  });
});

describe('token-bucket throttle', () => {
  it('throttles per app+tenant with Retry-After and x-ms-throttle headers', async () => {
    emulator.admin.setThrottle({ resourceUnitsPer10s: 3 });
    const token = await postToken(emulator, TENANT.id, { grant_type: 'client_credentials', client_id: READER.appId, client_secret: READER.secret, scope: GRAPH_SCOPE });
    const get = (): Promise<Response> =>
      fetch(`${emulator.origin}/v1.0/applications/${TARGET.id}`, { headers: { authorization: `Bearer ${String(token.body.access_token)}` } });
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await get();
      statuses.push(response.status);
      if (response.status === 429) throttled = response;
      else expect(response.headers.get('x-ms-resource-unit')).toBe('1');
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(throttled?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(throttled?.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/ReadWrite/${READER.appId}/${TENANT.id}`);
    emulator.admin.advanceClock(10_000);
    expect((await get()).status).toBe(200);
  });
});

describe('request log and counters', () => {
  it('records every call with secrets redacted and counts per route and status', async () => {
    const client = graphAs(emulator, ROTATOR);
    const added = await client.api(`/applications/${TARGET.id}/addPassword`).post({ passwordCredential: { displayName: 'x' } });
    await client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId });
    await rejectionOf(client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId }));

    const log = emulator.admin.requestLog();
    const serialized = JSON.stringify(log);
    expect(serialized).not.toContain(ROTATOR.secret);
    expect(serialized).not.toContain(added.secretText);
    expect(serialized).not.toMatch(/eyJ[\w-]+\.eyJ/); // no bearer tokens
    const tokenCall = log.find((entry) => entry.route === 'token');
    expect(tokenCall?.body).toMatchObject({ client_secret: '[redacted]', grant_type: 'client_credentials' });
    const graphCalls = log.filter((entry) => entry.route === 'addPassword' || entry.route === 'removePassword');
    expect(graphCalls.map((entry) => [entry.route, entry.status])).toEqual([
      ['addPassword', 200],
      ['removePassword', 204],
      ['removePassword', 400],
    ]);
    expect(graphCalls[0]).toMatchObject({ hasAuthorization: true, headers: { authorization: 'Bearer [redacted]' }, body: { passwordCredential: { displayName: 'x' } } });
    expect(graphCalls[0]?.headers.sdkversion).toMatch(/^graph-js\/3\.0\.7/);
    expect(graphCalls.every((entry) => entry.latencyMs >= 0 && entry.requestId.length === 36)).toBe(true);

    const counters = emulator.admin.counters();
    expect(counters.byRoute).toMatchObject({ addPassword: 1, removePassword: 2, token: 1, openidConfiguration: 1 });
    expect(counters.byRouteAndStatus.removePassword).toEqual({ '204': 1, '400': 1 });
    expect(counters.byStatus['200']).toBeGreaterThanOrEqual(3);
    expect(counters.total).toBe(log.length);

    emulator.admin.clearRequestLog();
    expect(emulator.admin.requestLog()).toEqual([]);
    expect(emulator.admin.counters().total).toBe(0);
  });
});
