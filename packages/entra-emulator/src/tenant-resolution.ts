import { isGuid } from './ids.js';
import { findTenant, type Store, type StoredTenant } from './store.js';

export type TenantResolution =
  | { kind: 'tenant'; tenant: StoredTenant }
  /** `common`, `organizations`, `consumers`: valid authorities that name no single tenant. */
  | { kind: 'multi'; name: string }
  | { kind: 'invalid' }
  | { kind: 'unknown' };

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** The tenant path segment may be a GUID or any verified domain (MSAL rewrites it, reference §1.3). */
export function resolveTenant(store: Store, segment: string): TenantResolution {
  if (MULTI_TENANT.has(segment.toLowerCase())) return { kind: 'multi', name: segment.toLowerCase() };
  if (!isGuid(segment) && !DNS_NAME.test(segment)) return { kind: 'invalid' };
  const tenant = findTenant(store, segment);
  return tenant ? { kind: 'tenant', tenant } : { kind: 'unknown' };
}
