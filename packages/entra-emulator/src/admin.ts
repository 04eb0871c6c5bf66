import type { EmulatorContext } from './context.js';
import { addKeyCredential, keyCredentialView, passwordView } from './credentials.js';
import { parseDateTime } from './dates.js';
import { InputError } from './input-error.js';
import { applySeed, applySeedTenant, createApplicationFromSeed, resolvePrincipal, seedPassword } from './seed.js';
import {
  applyRuntimeSettings,
  createSettings,
  resolveLimits,
  resolveRange,
  resolveRealism,
  resolveThrottle,
} from './settings.js';
import { findAppByEitherId, findTenant, type StoredApplication, type StoredTenant } from './store.js';
import type { ApplicationView, EmulatorAdmin, EmulatorOptions, SeedResult, TenantView } from './types.js';

const DEFAULT_HOLD_TIMEOUT_MS = 10_000;

function toEpoch(value: Date | string | number): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const ms = parseDateTime(value);
  if (ms === null) throw new InputError(`not a date: '${value}'`);
  return ms;
}

export function createAdmin(ctx: EmulatorContext, options: EmulatorOptions, caCertPem: string): EmulatorAdmin {
  const tenantOf = (ref: string): StoredTenant => {
    const tenant = findTenant(ctx.store, ref);
    if (!tenant) throw new InputError(`unknown tenant '${ref}'`);
    return tenant;
  };
  const appOf = (tenantRef: string, ref: string): { tenant: StoredTenant; app: StoredApplication } => {
    const tenant = tenantOf(tenantRef);
    const app = findAppByEitherId(tenant, ref);
    if (!app) throw new InputError(`unknown application '${ref}' in tenant ${tenant.id}`);
    return { tenant, app };
  };
  const appView = (app: StoredApplication): ApplicationView => {
    const nowMs = ctx.clock.now();
    return {
      id: app.id,
      appId: app.appId,
      servicePrincipalId: app.servicePrincipalId,
      displayName: app.displayName,
      signInAudience: app.signInAudience,
      roles: [...app.roles],
      owners: [...app.owners],
      redirectUris: [...app.redirectUris],
      passwordCredentials: app.passwords.map((password) => passwordView(password, nowMs, ctx.settings.realism)),
      keyCredentials: app.keyCredentials.map(keyCredentialView),
    };
  };

  const reseed = (): SeedResult => (options.seed ? applySeed(ctx.store, options.seed, ctx.clock.now()) : { tenants: [] });

  return {
    caCertPem,
    reset() {
      ctx.store.tenants.clear();
      ctx.authorizationCodes.clear();
      ctx.refreshTokens.clear();
      ctx.writeBusyUntil.clear();
      ctx.faults.clear();
      ctx.recorder.clear();
      ctx.recorder.resetCounters();
      ctx.throttle.reset();
      ctx.clock.reset();
      Object.assign(ctx.settings, createSettings(options));
      return reseed();
    },
    seed: (seed) => applySeed(ctx.store, seed, ctx.clock.now()),
    createTenant: (input = {}) => applySeedTenant(ctx.store, input, ctx.clock.now()),
    createApplication: (tenantId, input) => createApplicationFromSeed(tenantOf(tenantId), input, ctx.clock.now()),
    addOwner(tenantId, application, owner) {
      const { tenant, app } = appOf(tenantId, application);
      app.owners.add(resolvePrincipal(tenant, owner));
    },
    grantRoles(tenantId, application, roles) {
      const { app } = appOf(tenantId, application);
      for (const role of roles) app.roles.add(role);
    },
    revokeRoles(tenantId, application, roles) {
      const { app } = appOf(tenantId, application);
      for (const role of roles) app.roles.delete(role);
    },
    addPasswordCredential(tenantId, application, input = {}) {
      const { app } = appOf(tenantId, application);
      return seedPassword(app, input, ctx.clock.now());
    },
    removePasswordCredential(tenantId, application, keyId) {
      const { app } = appOf(tenantId, application);
      const password = app.passwords.find((candidate) => candidate.keyId === keyId.toLowerCase() && candidate.removedMs === null);
      if (!password) return false;
      password.removedMs = ctx.clock.now();
      return true;
    },
    addKeyCredential(tenantId, application, input) {
      const { app } = appOf(tenantId, application);
      const startMs = input.startDateTime === undefined ? undefined : toEpoch(input.startDateTime);
      const endMs = input.endDateTime === undefined ? undefined : toEpoch(input.endDateTime);
      const stored = addKeyCredential(app, {
        certificatePem: input.certificatePem,
        displayName: input.displayName ?? null,
        ...(input.keyId === undefined ? {} : { keyId: input.keyId }),
        ...(startMs === undefined ? {} : { startMs }),
        ...(endMs === undefined ? {} : { endMs }),
      });
      return keyCredentialView(stored);
    },
    listPasswordCredentials: (tenantId, application) => appView(appOf(tenantId, application).app).passwordCredentials,
    getApplication: (tenantId, application) => appView(appOf(tenantId, application).app),
    snapshot: (): TenantView[] =>
      [...ctx.store.tenants.values()].map((tenant) => ({
        id: tenant.id,
        displayName: tenant.displayName,
        domains: [...tenant.domains],
        users: [...tenant.users.values()].map((user) => ({ ...user })),
        applications: [...tenant.applications.values()].map(appView),
      })),
    setRealism(realism) {
      ctx.settings.realism = resolveRealism(realism, ctx.settings.realism);
      return { ...ctx.settings.realism };
    },
    setLatency(latency) {
      ctx.settings.latency = resolveRange(latency, 'latencyMs');
    },
    setLimits(limits) {
      ctx.settings.limits = resolveLimits(limits, ctx.settings.limits);
      return { ...ctx.settings.limits };
    },
    setThrottle(throttle) {
      ctx.settings.throttle = resolveThrottle(throttle, ctx.settings.throttle);
      ctx.throttle.reset();
      return { ...ctx.settings.throttle };
    },
    configure: (settings) => applyRuntimeSettings(ctx.settings, settings),
    addFault: (rule) => ctx.faults.add(rule),
    removeFault: (ruleId) => ctx.faults.remove(ruleId),
    clearFaults: () => ctx.faults.clear(),
    waitForHeld: (ruleId, waitOptions) => ctx.faults.waitForHeld(ruleId, waitOptions?.timeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS),
    release: (ruleId) => ctx.faults.release(ruleId),
    heldRequests: () => ctx.faults.heldRequests(),
    now: () => new Date(ctx.clock.now()),
    advanceClock: (ms) => new Date(ctx.clock.advance(ms)),
    freezeClock: (date) => new Date(ctx.clock.freeze(date === undefined ? undefined : toEpoch(date))),
    unfreezeClock: () => new Date(ctx.clock.unfreeze()),
    requestLog: () => ctx.recorder.entries(),
    clearRequestLog() {
      ctx.recorder.clear();
      ctx.recorder.resetCounters();
    },
    counters: () => ctx.recorder.counters(),
  };
}
