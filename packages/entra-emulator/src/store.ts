import type { KeyObject } from 'node:crypto';
import type { SecretHash } from './ids.js';
import type { SignInAudience } from './types.js';

/** One password credential as the directory keeps it: a hash, never the secret. */
export interface StoredPassword {
  keyId: string;
  displayName: string | null;
  hint: string;
  secretHash: SecretHash;
  startMs: number;
  endMs: number;
  createdMs: number;
  /** Token endpoint accepts it from here (replication simulation). */
  activeFromMs: number;
  /** Graph reads show it from here. */
  visibleFromMs: number;
  /** Intermittent failures until here (flaky replicas). */
  flakyUntilMs: number;
  removedMs: number | null;
}

export interface StoredKeyCredential {
  keyId: string;
  displayName: string | null;
  certificatePem: string;
  publicKey: KeyObject;
  thumbprintSha1: Buffer;
  thumbprintSha256: Buffer;
  startMs: number;
  endMs: number;
}

export interface StoredApplication {
  id: string;
  appId: string;
  servicePrincipalId: string;
  displayName: string;
  signInAudience: SignInAudience;
  createdMs: number;
  description: string | null;
  notes: string | null;
  tags: string[];
  redirectUris: string[];
  /** Granted Graph application permissions; they reach Graph as the token's `roles`. */
  roles: Set<string>;
  /** Principal ids (service principal ids of apps, or user ids). */
  owners: Set<string>;
  passwords: StoredPassword[];
  keyCredentials: StoredKeyCredential[];
}

export interface StoredUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  isAdmin: boolean;
}

export interface StoredTenant {
  id: string;
  displayName: string;
  domains: string[];
  /** Insertion order is the listing order, which keeps paging stable. */
  applications: Map<string, StoredApplication>;
  users: Map<string, StoredUser>;
}

export interface Store {
  tenants: Map<string, StoredTenant>;
}

export function createStore(): Store {
  return { tenants: new Map() };
}

export function findTenant(store: Store, idOrDomain: string): StoredTenant | undefined {
  const wanted = idOrDomain.toLowerCase();
  const byId = store.tenants.get(wanted);
  if (byId) return byId;
  for (const tenant of store.tenants.values()) {
    if (tenant.domains.some((domain) => domain.toLowerCase() === wanted)) return tenant;
  }
  return undefined;
}

export function findAppByObjectId(tenant: StoredTenant, id: string): StoredApplication | undefined {
  return tenant.applications.get(id.toLowerCase());
}

export function findAppByAppId(tenant: StoredTenant, appId: string): StoredApplication | undefined {
  const wanted = appId.toLowerCase();
  for (const app of tenant.applications.values()) if (app.appId === wanted) return app;
  return undefined;
}

/** Admin convenience: accept either key, since admin callers rarely care which one they hold. */
export function findAppByEitherId(tenant: StoredTenant, ref: string): StoredApplication | undefined {
  return findAppByObjectId(tenant, ref) ?? findAppByAppId(tenant, ref);
}

export function findAppByServicePrincipalId(tenant: StoredTenant, spId: string): StoredApplication | undefined {
  const wanted = spId.toLowerCase();
  for (const app of tenant.applications.values()) if (app.servicePrincipalId === wanted) return app;
  return undefined;
}

export function findUser(tenant: StoredTenant, ref: string): StoredUser | undefined {
  const wanted = ref.toLowerCase();
  const byId = tenant.users.get(wanted);
  if (byId) return byId;
  for (const user of tenant.users.values()) if (user.userPrincipalName.toLowerCase() === wanted) return user;
  return undefined;
}

export function isPersonalAudience(audience: SignInAudience): boolean {
  return audience === 'AzureADandPersonalMicrosoftAccount' || audience === 'PersonalMicrosoftAccount';
}

/** Passwords that still exist in the directory (removed ones are kept only for the removal delay). */
export function livePasswords(app: StoredApplication): StoredPassword[] {
  return app.passwords.filter((password) => password.removedMs === null);
}
