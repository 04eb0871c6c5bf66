/** Admin-facing views, fault rules and request-log shapes (part of the public contract). */
import type {
  DelayRange,
  LimitsOptions,
  RealismOptions,
  RealismPreset,
  ResolvedLimits,
  ResolvedRealism,
  ResolvedThrottle,
  RuntimeSettings,
  ThrottleOptions,
} from './types.js';
import type { Seed, SeedApplication, SeededApplication, SeededPassword, SeededTenant, SeedResult, SeedTenant, SignInAudience } from './seed-types.js';

export type CredentialActivation = 'pending' | 'active' | 'notYetValid' | 'expired' | 'removed';

/** Raw view of a password credential for assertions; never contains the secret. */
export interface PasswordCredentialView {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  createdDateTime: string;
  /** When the token endpoint starts accepting it (creation + activation delay). */
  activeFromDateTime: string;
  /** When Graph reads start showing it (creation + read-after-write delay). */
  visibleFromDateTime: string;
  removedDateTime: string | null;
  state: CredentialActivation;
  isVisibleToGraph: boolean;
  isAcceptedByTokenEndpoint: boolean;
}

export interface KeyCredentialView {
  keyId: string;
  displayName: string | null;
  thumbprintSha1: string;
  thumbprintSha256: string;
  startDateTime: string;
  endDateTime: string;
}

export interface ApplicationView {
  id: string;
  appId: string;
  servicePrincipalId: string;
  displayName: string;
  signInAudience: SignInAudience;
  roles: string[];
  owners: string[];
  redirectUris: string[];
  passwordCredentials: PasswordCredentialView[];
  keyCredentials: KeyCredentialView[];
}

export interface TenantView {
  id: string;
  displayName: string;
  domains: string[];
  users: Array<{ id: string; userPrincipalName: string; displayName: string; isAdmin: boolean }>;
  applications: ApplicationView[];
}

export interface AddPasswordCredentialInput {
  /** Known secret to seed; random 40 characters when absent. */
  secretText?: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
  /** Token-endpoint activation delay for this credential (default 0: active at once). */
  activationDelayMs?: number;
}

export interface AddKeyCredentialInput {
  certificatePem: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export type RouteName =
  | 'instanceDiscovery'
  | 'openidConfiguration'
  | 'jwks'
  | 'authorize'
  | 'token'
  | 'listApplications'
  | 'countApplications'
  | 'getApplication'
  | 'listPasswordCredentials'
  | 'listOwners'
  | 'addPassword'
  | 'removePassword'
  | 'graphUnknown'
  | 'notFound';

export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Regular expression (or its source) tested against the decoded path, without the query. */
  path?: string | RegExp;
  route?: RouteName | RouteName[];
  /** Tenant GUID or domain: the URL tenant for identity routes, the token's tenant for Graph. */
  tenant?: string;
  /** appId or object id: the client for identity routes, the target application for Graph. */
  app?: string;
}

export type RetryAfterFormat = 'seconds' | 'http-date';

export type FaultAction =
  /** 429 `TooManyRequests`; `Retry-After` only when `retryAfterSeconds` is given. */
  | {
      type: 'throttle';
      retryAfterSeconds?: number;
      retryAfterFormat?: RetryAfterFormat;
      /** Add `x-ms-throttle-scope` / `x-ms-throttle-information` headers. */
      includeThrottleHeaders?: boolean;
    }
  /** 500 / 502 / 503 / 504 (default 503), optionally with `Retry-After`. */
  | {
      type: 'serverError';
      status?: number;
      retryAfterSeconds?: number;
      retryAfterFormat?: RetryAfterFormat;
    }
  /** Any status with a custom Graph code and message. */
  | {
      type: 'error';
      status: number;
      code?: string;
      message?: string;
      retryAfterSeconds?: number;
      retryAfterFormat?: RetryAfterFormat;
    }
  /** `Directory_ConcurrencyViolation` concurrent-write conflict (status from `conflictStatus`). */
  | { type: 'conflict' }
  /** 403 `Authorization_RequestDenied`. */
  | { type: 'forbidden' }
  /** Wait this long, then answer normally (timeout simulation). */
  | { type: 'delay'; ms: number }
  /**
   * Park the request until `admin.release(ruleId)`. `phase: 'before'` (default) parks it before it
   * has any effect; `'after'` runs it (e.g. the password is created) and parks the response.
   */
  | { type: 'hold'; phase?: 'before' | 'after' }
  /** Destroy the connection without answering. */
  | { type: 'reset' };

export interface FaultRule {
  match?: FaultMatch;
  action: FaultAction;
  /** Apply to the next N matching requests, then retire. */
  times?: number;
  /** Let the first K matching requests through before applying. */
  skip?: number;
  /** Apply to each matching request with this probability (0..1). */
  probability?: number;
}

export interface HeldRequest {
  ruleId: string;
  method: string;
  path: string;
  route: RouteName;
  phase: 'before' | 'after';
  heldAt: string;
}

export interface RequestLogEntry {
  seq: number;
  time: string;
  requestId: string;
  method: string;
  path: string;
  query: Record<string, string>;
  route: RouteName;
  headers: Record<string, string>;
  hasAuthorization: boolean;
  /** Request body (form or JSON parsed) with secrets replaced by `[redacted]`. */
  body?: unknown;
  /** 0 when the connection was reset or closed before an answer. */
  status: number;
  latencyMs: number;
  faultRuleId?: string;
}

export interface EmulatorCounters {
  total: number;
  byRoute: Partial<Record<RouteName, number>>;
  byStatus: Record<string, number>;
  byRouteAndStatus: Partial<Record<RouteName, Record<string, number>>>;
}

/** In-process control surface; every method has an HTTP twin under `/_emulator/`. */
export interface EmulatorAdmin {
  /** Clear all state, faults, log, counters and clock changes, restore start settings, re-apply the start seed. */
  reset(): SeedResult;
  /** Add tenants/applications (merges into an existing tenant with the same id). */
  seed(seed: Seed): SeedResult;
  createTenant(input?: SeedTenant): SeededTenant;
  createApplication(tenantId: string, input: SeedApplication): SeededApplication;
  /** Add an owner (app key/appId/object id/SP id, or user id/UPN) to an application. */
  addOwner(tenantId: string, application: string, owner: string): void;
  grantRoles(tenantId: string, application: string, roles: string[]): void;
  revokeRoles(tenantId: string, application: string, roles: string[]): void;
  addPasswordCredential(
    tenantId: string,
    application: string,
    input?: AddPasswordCredentialInput,
  ): SeededPassword;
  /** Remove immediately, bypassing Graph (no read-after-write lag; `removalDelayMs` still applies). */
  removePasswordCredential(tenantId: string, application: string, keyId: string): boolean;
  addKeyCredential(tenantId: string, application: string, input: AddKeyCredentialInput): KeyCredentialView;
  listPasswordCredentials(tenantId: string, application: string): PasswordCredentialView[];
  getApplication(tenantId: string, application: string): ApplicationView;
  snapshot(): TenantView[];
  setRealism(realism: RealismPreset | RealismOptions): ResolvedRealism;
  setLatency(latency: number | DelayRange): void;
  setLimits(limits: LimitsOptions): ResolvedLimits;
  setThrottle(throttle: ThrottleOptions): ResolvedThrottle;
  configure(settings: RuntimeSettings): void;
  addFault(rule: FaultRule): string;
  removeFault(ruleId: string): boolean;
  clearFaults(): void;
  /** Resolves with the first request parked by a `hold` rule (immediately if one is already parked). */
  waitForHeld(ruleId: string, options?: { timeoutMs?: number }): Promise<HeldRequest>;
  /** Answer every parked request of the rule and retire it, so later requests pass normally. */
  release(ruleId: string): void;
  heldRequests(): HeldRequest[];
  now(): Date;
  advanceClock(ms: number): Date;
  /** Stop the clock at `date` (default: now). */
  freezeClock(date?: Date | string | number): Date;
  unfreezeClock(): Date;
  requestLog(): RequestLogEntry[];
  /** Empties the request log and resets the counters. */
  clearRequestLog(): void;
  counters(): EmulatorCounters;
  readonly caCertPem: string;
}
