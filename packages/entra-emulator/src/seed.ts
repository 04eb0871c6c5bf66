import { graphDateTime, parseDateTime } from './dates.js';
import { addKeyCredential, addPassword, IMMEDIATE } from './credentials.js';
import { isGuid, newGuid } from './ids.js';
import { InputError } from './input-error.js';
import {
  findAppByAppId,
  findAppByEitherId,
  findAppByServicePrincipalId,
  findTenant,
  findUser,
  type Store,
  type StoredApplication,
  type StoredTenant,
  type StoredUser,
} from './store.js';
import type {
  Seed,
  SeedApplication,
  SeededApplication,
  SeededPassword,
  SeededTenant,
  SeedPasswordCredential,
  SeedResult,
  SeedTenant,
  SignInAudience,
} from './types.js';

const AUDIENCES: readonly SignInAudience[] = [
  'AzureADMyOrg',
  'AzureADMultipleOrgs',
  'AzureADandPersonalMicrosoftAccount',
  'PersonalMicrosoftAccount',
];

function guidOrNew(value: string | undefined, field: string): string {
  if (value === undefined) return newGuid();
  if (!isGuid(value)) throw new InputError(`${field} must be a GUID, got '${value}'`);
  return value.toLowerCase();
}

function optionalDate(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDateTime(value);
  if (ms === null) throw new InputError(`${field} is not an ISO 8601 date-time: '${value}'`);
  return ms;
}

export function seedPassword(
  app: StoredApplication,
  input: SeedPasswordCredential & { activationDelayMs?: number },
  nowMs: number,
): SeededPassword {
  if (input.secretText !== undefined && (typeof input.secretText !== 'string' || input.secretText.length === 0)) {
    throw new InputError('secretText must be a non-empty string');
  }
  if (input.keyId !== undefined && app.passwords.some((p) => p.keyId === input.keyId?.toLowerCase())) {
    throw new InputError(`keyId ${input.keyId} already exists on application ${app.id}`);
  }
  const startMs = optionalDate(input.startDateTime, 'startDateTime');
  const endMs = optionalDate(input.endDateTime, 'endDateTime');
  const { stored, secretText } = addPassword(
    app,
    {
      displayName: input.displayName ?? null,
      ...(startMs === undefined ? {} : { startMs }),
      ...(endMs === undefined ? {} : { endMs }),
      ...(input.secretText === undefined ? {} : { secretText: input.secretText }),
      keyId: guidOrNew(input.keyId, 'keyId'),
    },
    nowMs,
    { ...IMMEDIATE, activationDelayMs: input.activationDelayMs ?? 0 },
  );
  return {
    keyId: stored.keyId,
    secretText,
    hint: stored.hint,
    displayName: stored.displayName,
    startDateTime: graphDateTime(stored.startMs),
    endDateTime: graphDateTime(stored.endMs),
  };
}

export function createTenantState(store: Store, input: SeedTenant): StoredTenant {
  const id = guidOrNew(input.id, 'tenant id');
  const existing = store.tenants.get(id);
  if (existing) {
    for (const domain of input.domains ?? []) if (!existing.domains.includes(domain)) existing.domains.push(domain);
    return existing;
  }
  const domains = input.domains && input.domains.length > 0 ? [...input.domains] : [`tenant-${id.slice(0, 8)}.onmicrosoft.com`];
  for (const domain of domains) {
    if (findTenant(store, domain)) throw new InputError(`domain ${domain} already belongs to another tenant`);
  }
  const tenant: StoredTenant = {
    id,
    displayName: input.displayName ?? domains[0]?.split('.')[0] ?? id,
    domains,
    applications: new Map(),
    users: new Map(),
  };
  store.tenants.set(id, tenant);
  return tenant;
}

function addUser(tenant: StoredTenant, input: { id?: string; userPrincipalName: string; displayName?: string; isAdmin?: boolean }): StoredUser {
  if (typeof input.userPrincipalName !== 'string' || !input.userPrincipalName.includes('@')) {
    throw new InputError('userPrincipalName must look like user@domain');
  }
  const user: StoredUser = {
    id: guidOrNew(input.id, 'user id'),
    userPrincipalName: input.userPrincipalName,
    displayName: input.displayName ?? input.userPrincipalName.split('@')[0] ?? input.userPrincipalName,
    isAdmin: input.isAdmin ?? true,
  };
  tenant.users.set(user.id, user);
  return user;
}

/** The authorize endpoint signs someone in; seeds without users get a default administrator. */
export function defaultUser(tenant: StoredTenant): StoredUser {
  const first = tenant.users.values().next();
  if (!first.done) return first.value;
  return addUser(tenant, { userPrincipalName: `admin@${tenant.domains[0] ?? 'emulator.onmicrosoft.com'}`, displayName: 'Emulator Admin' });
}

export function createApplicationState(tenant: StoredTenant, input: SeedApplication, nowMs: number): StoredApplication {
  if (typeof input.displayName !== 'string' || input.displayName.length === 0 || input.displayName.length > 256) {
    throw new InputError('application displayName must be 1-256 characters');
  }
  const audience = input.signInAudience ?? 'AzureADMyOrg';
  if (!AUDIENCES.includes(audience)) throw new InputError(`unknown signInAudience '${audience}'`);
  const id = guidOrNew(input.id, 'application id');
  const appId = guidOrNew(input.appId, 'appId');
  if (tenant.applications.has(id)) throw new InputError(`application ${id} already exists`);
  if (findAppByAppId(tenant, appId)) throw new InputError(`appId ${appId} already exists in tenant ${tenant.id}`);
  const app: StoredApplication = {
    id,
    appId,
    servicePrincipalId: guidOrNew(input.servicePrincipalId, 'servicePrincipalId'),
    displayName: input.displayName,
    signInAudience: audience,
    createdMs: optionalDate(input.createdDateTime, 'createdDateTime') ?? nowMs,
    description: input.description ?? null,
    notes: input.notes ?? null,
    tags: [...(input.tags ?? [])],
    redirectUris: [...(input.redirectUris ?? [])],
    roles: new Set(input.roles ?? []),
    owners: new Set(),
    passwords: [],
    keyCredentials: [],
  };
  tenant.applications.set(id, app);
  for (const key of input.keyCredentials ?? []) {
    const startMs = optionalDate(key.startDateTime, 'keyCredential startDateTime');
    const endMs = optionalDate(key.endDateTime, 'keyCredential endDateTime');
    addKeyCredential(app, {
      certificatePem: key.certificatePem,
      keyId: guidOrNew(key.keyId, 'keyCredential keyId'),
      displayName: key.displayName ?? null,
      ...(startMs === undefined ? {} : { startMs }),
      ...(endMs === undefined ? {} : { endMs }),
    });
  }
  return app;
}

/** Resolves an owner reference to a principal id: seed key, app ids, SP id, then user id / UPN. */
export function resolvePrincipal(tenant: StoredTenant, ref: string, keys: Map<string, StoredApplication> = new Map()): string {
  const app = keys.get(ref) ?? findAppByEitherId(tenant, ref) ?? findAppByServicePrincipalId(tenant, ref);
  if (app) return app.servicePrincipalId;
  const user = findUser(tenant, ref);
  if (user) return user.id;
  throw new InputError(`owner '${ref}' is neither an application nor a user of tenant ${tenant.id}`);
}

function seededApplication(app: StoredApplication, key: string | undefined, passwords: SeededPassword[]): SeededApplication {
  return {
    ...(key === undefined ? {} : { key }),
    id: app.id,
    appId: app.appId,
    servicePrincipalId: app.servicePrincipalId,
    displayName: app.displayName,
    passwordCredentials: passwords,
  };
}

/** Applies one tenant; owners are resolved last so they may reference applications defined later. */
export function applySeedTenant(store: Store, input: SeedTenant, nowMs: number): SeededTenant {
  const tenant = createTenantState(store, input);
  for (const user of input.users ?? []) addUser(tenant, user);
  const keys = new Map<string, StoredApplication>();
  const created: Array<{ app: StoredApplication; input: SeedApplication; passwords: SeededPassword[] }> = [];
  for (const appInput of input.applications ?? []) {
    const app = createApplicationState(tenant, appInput, nowMs);
    if (appInput.key !== undefined) keys.set(appInput.key, app);
    const passwords = (appInput.passwordCredentials ?? []).map((password) => seedPassword(app, password, nowMs));
    created.push({ app, input: appInput, passwords });
  }
  for (const { app, input: appInput } of created) {
    for (const owner of appInput.owners ?? []) app.owners.add(resolvePrincipal(tenant, owner, keys));
  }
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    domains: [...tenant.domains],
    users: [...tenant.users.values()].map((user) => ({ id: user.id, userPrincipalName: user.userPrincipalName })),
    applications: created.map(({ app, input: appInput, passwords }) => seededApplication(app, appInput.key, passwords)),
  };
}

export function applySeed(store: Store, seed: Seed, nowMs: number): SeedResult {
  if (typeof seed !== 'object' || seed === null || !Array.isArray(seed.tenants)) {
    throw new InputError('seed must be an object with a "tenants" array');
  }
  return { tenants: seed.tenants.map((tenant) => applySeedTenant(store, tenant, nowMs)) };
}

export function createApplicationFromSeed(tenant: StoredTenant, input: SeedApplication, nowMs: number): SeededApplication {
  const app = createApplicationState(tenant, input, nowMs);
  const passwords = (input.passwordCredentials ?? []).map((password) => seedPassword(app, password, nowMs));
  for (const owner of input.owners ?? []) app.owners.add(resolvePrincipal(tenant, owner));
  return seededApplication(app, input.key, passwords);
}
