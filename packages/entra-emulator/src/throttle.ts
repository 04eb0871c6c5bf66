import type { ResolvedThrottle } from './types.js';

/**
 * Token buckets modelled on Graph's identity-resource quotas (reference §2.8): resource units and
 * writes per app+tenant pair, writes per tenant. Buckets refill continuously on the emulator clock.
 */
interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface ThrottleRequest {
  tenantId: string;
  appId: string;
  isWrite: boolean;
  isList: boolean;
  hasSelect: boolean;
  top: number | null;
}

export type ThrottleDecision =
  | { allowed: true; resourceUnits: number; limitPercentage: number | null }
  | { allowed: false; retryAfterSeconds: number; scope: string; information: string };

export interface Throttle {
  check(request: ThrottleRequest, config: ResolvedThrottle, nowMs: number): ThrottleDecision;
  reset(): void;
}

/** Request cost rules from §2.8: list 2, other GET 1, writes 1; $select −1, $top<20 −1, never below 1. */
export function resourceUnitCost(request: Pick<ThrottleRequest, 'isWrite' | 'isList' | 'hasSelect' | 'top'>): number {
  if (request.isWrite) return 1;
  let cost = request.isList ? 2 : 1;
  if (request.hasSelect) cost -= 1;
  if (request.top !== null && request.top < 20) cost -= 1;
  return Math.max(1, cost);
}

export function createThrottle(): Throttle {
  const buckets = new Map<string, Bucket>();

  const level = (key: string, capacity: number, windowMs: number, nowMs: number): Bucket => {
    const bucket = buckets.get(key) ?? { tokens: capacity, updatedMs: nowMs };
    const refill = ((nowMs - bucket.updatedMs) / windowMs) * capacity;
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, refill));
    bucket.updatedMs = nowMs;
    buckets.set(key, bucket);
    return bucket;
  };

  const waitSeconds = (bucket: Bucket, need: number, capacity: number, windowMs: number): number =>
    Math.max(1, Math.ceil((((need - bucket.tokens) / capacity) * windowMs) / 1000));

  return {
    check(request, config, nowMs) {
      const pair = `${request.tenantId}/${request.appId}`;
      const cost = resourceUnitCost(request);
      const ru = level(`ru:${pair}`, config.resourceUnitsPer10s, 10_000, nowMs);
      if (ru.tokens < cost) {
        return {
          allowed: false,
          retryAfterSeconds: waitSeconds(ru, cost, config.resourceUnitsPer10s, 10_000),
          scope: `Tenant_Application/ReadWrite/${request.appId}/${request.tenantId}`,
          information: 'ResourceUnitLimitExceeded',
        };
      }
      if (request.isWrite) {
        const writes = level(`w:${pair}`, config.writesPer150s, 150_000, nowMs);
        const tenantWrites = level(`tw:${request.tenantId}`, config.tenantWritesPer5Min, 300_000, nowMs);
        if (writes.tokens < 1 || tenantWrites.tokens < 1) {
          const appLimited = writes.tokens < 1;
          return {
            allowed: false,
            retryAfterSeconds: appLimited
              ? waitSeconds(writes, 1, config.writesPer150s, 150_000)
              : waitSeconds(tenantWrites, 1, config.tenantWritesPer5Min, 300_000),
            scope: appLimited
              ? `Tenant_Application/Write/${request.appId}/${request.tenantId}`
              : `Tenant/Write/${request.tenantId}`,
            information: 'WriteLimitExceeded',
          };
        }
        writes.tokens -= 1;
        tenantWrites.tokens -= 1;
      }
      ru.tokens -= cost;
      const used = 1 - ru.tokens / config.resourceUnitsPer10s;
      // Graph only starts reporting the percentage above 80 % of the quota.
      return { allowed: true, resourceUnits: cost, limitPercentage: used > 0.8 ? Math.round(used * 10) / 10 : null };
    },
    reset() {
      buckets.clear();
    },
  };
}
