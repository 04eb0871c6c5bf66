/**
 * Public contract of the emulator. Other packages code against these names, so changes here are
 * breaking changes: add optional fields, never rename.
 */

export type SignInAudience =
  | 'AzureADMyOrg'
  | 'AzureADMultipleOrgs'
  | 'AzureADandPersonalMicrosoftAccount'
  | 'PersonalMicrosoftAccount';

/** Inclusive range of milliseconds; a value is drawn uniformly from it each time (jitter). */
export interface DelayRange {
  minMs: number;
  maxMs: number;
}

export type RealismPreset = 'instant' | 'realistic';

/** Replication and concurrency simulation (reference §3, §7.17). All delays use the emulator clock. */
export interface RealismOptions {
  /** Time before a secret created by addPassword is accepted by the token endpoint (7000215 until then). */
  activationDelay?: RealismPreset | DelayRange | number;
  /** New keys stay invisible to GET and removePassword, and removed keys stay visible to GET, for this long. */
  readAfterWriteDelayMs?: number;
  /** A removed secret keeps working at the token endpoint for this long. */
  removalDelayMs?: number;
  /**
   * Each write to an application keeps it busy for this long (the response is sent when the window
   * ends); a second write to the same application while it is busy gets a concurrency conflict.
   * 0 disables the simulation.
   */
  concurrentWriteWindowMs?: number;
  /** After activation, the secret fails intermittently (7000215) for this long, like lagging replicas. */
  flakyWindowMs?: number;
  /** Failure probability inside the flaky window (default 0.5). */
  flakyProbability?: number;
}

export interface ResolvedRealism {
  activationDelay: DelayRange;
  readAfterWriteDelayMs: number;
  removalDelayMs: number;
  concurrentWriteWindowMs: number;
  flakyWindowMs: number;
  flakyProbability: number;
}

export interface LimitsOptions {
  /** Max passwords for apps whose audience includes personal Microsoft accounts (default 2). */
  personalAccountMaxPasswords?: number;
  /** Max passwords for every other audience (default null: no cap, as observed in Azure). */
  maxPasswordsPerApplication?: number | null;
  /** App-management policy: reject passwords whose lifetime exceeds this many days (default null: none). */
  maxPasswordLifetimeDays?: number | null;
}

export interface ResolvedLimits {
  personalAccountMaxPasswords: number;
  maxPasswordsPerApplication: number | null;
  maxPasswordLifetimeDays: number | null;
}

/** Token-bucket throttle modelled on Graph's identity quotas (reference §2.8). Off by default. */
export interface ThrottleOptions {
  enabled?: boolean;
  /** Resource units per app+tenant pair per 10 s (default 3500, the smallest-tenant quota). */
  resourceUnitsPer10s?: number;
  /** Writes per app+tenant pair per 150 s (default 3000). */
  writesPer150s?: number;
  /** Writes per tenant per 5 minutes (default 18000). */
  tenantWritesPer5Min?: number;
}

export interface ResolvedThrottle {
  enabled: boolean;
  resourceUnitsPer10s: number;
  writesPer150s: number;
  tenantWritesPer5Min: number;
}

/** Settings that can be changed at runtime through `admin.configure`. */
export interface RuntimeSettings {
  /** Lifetime of issued access tokens (default 3599, as Entra). */
  tokenLifetimeSeconds?: number;
  /** Status of removePassword for an unknown keyId (default 400; unverified in Azure). */
  removePasswordMissingStatus?: number;
  /** Error code of removePassword for an unknown keyId (default `Request_BadRequest`; unverified). */
  removePasswordMissingCode?: string;
  /** AADSTS code for a secret whose startDateTime is in the future (default 7000215; unverified). */
  futureSecretCode?: number;
  /** Status of a concurrency conflict (default 409; unverified). */
  conflictStatus?: number;
}

export interface EmulatorOptions extends RuntimeSettings {
  /** HTTPS port on 127.0.0.1 (default 0: a random free port). */
  port?: number;
  /** Optional extra plain-HTTP listener on 127.0.0.1 (only usable through custom network clients). */
  httpPort?: number;
  /** Origin advertised in every emitted URL (default the https origin actually listened on). */
  publicOrigin?: string;
  /** Directory holding (or receiving) a persistent CA: `ca.pem` and `ca-key.pem`. */
  caDir?: string;
  /** An explicit CA; wins over `caDir`. Without either, a fresh in-memory CA is generated. */
  ca?: { certPem: string; keyPem: string };
  /** State to load at start (and again on `admin.reset()`). */
  seed?: Seed;
  realism?: RealismPreset | RealismOptions;
  /** Added to every identity and Graph response (not to admin calls). */
  latencyMs?: number | DelayRange;
  limits?: LimitsOptions;
  throttle?: ThrottleOptions;
  /** Time source in epoch milliseconds (default `Date.now`); the admin clock controls offset it. */
  clock?: () => number;
  /** How many request-log entries to keep (default 5000, oldest dropped first). */
  requestLogLimit?: number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` (or `publicOrigin`). Use it as authority host and Graph base URL. */
  origin: string;
  /** `http://127.0.0.1:PORT` when `httpPort` was given. */
  httpOrigin?: string;
  port: number;
  caCertPem: string;
  /** Path of the CA file when the CA lives in `caDir`; use it for `NODE_EXTRA_CA_CERTS`. */
  caCertPath?: string;
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Seed format

export interface Seed {
  tenants: SeedTenant[];
}

export interface SeedTenant {
  /** Tenant GUID (random when absent). */
  id?: string;
  displayName?: string;
  /** Verified domain names; the first is the publisher domain (default `tenant-xxxxxxxx.onmicrosoft.com`). */
  domains?: string[];
  users?: SeedUser[];
  applications?: SeedApplication[];
}

export interface SeedUser {
  id?: string;
  userPrincipalName: string;
  displayName?: string;
  /** Admins may write every application with delegated permissions; others only apps they own (default true). */
  isAdmin?: boolean;
}

export interface SeedApplication {
  /** Local name, usable in `owners` of other applications of the same seed. */
  key?: string;
  /** Object id (random when absent). */
  id?: string;
  /** Client id (random when absent). */
  appId?: string;
  /** Object id of the app's service principal in its tenant (random when absent). */
  servicePrincipalId?: string;
  displayName: string;
  signInAudience?: SignInAudience;
  createdDateTime?: string;
  description?: string;
  notes?: string;
  tags?: string[];
  /** Redirect URIs accepted by `/authorize` (web platform). */
  redirectUris?: string[];
  /** Graph application permissions granted (admin-consented) to this app, e.g. `Application.ReadWrite.OwnedBy`. */
  roles?: string[];
  /** Owners: seed keys, appIds, object ids or service principal ids of apps, or user ids / UPNs. */
  owners?: string[];
  passwordCredentials?: SeedPasswordCredential[];
  keyCredentials?: SeedKeyCredential[];
}

export interface SeedPasswordCredential {
  /** The known secret; when absent a random one is generated (a "foreign" password). */
  secretText?: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface SeedKeyCredential {
  /** PEM of the X.509 certificate whose key signs client assertions. */
  certificatePem: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface SeededPassword {
  keyId: string;
  secretText: string;
  hint: string;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
}

export interface SeededApplication {
  key?: string;
  id: string;
  appId: string;
  servicePrincipalId: string;
  displayName: string;
  passwordCredentials: SeededPassword[];
}

export interface SeededTenant {
  id: string;
  displayName: string;
  domains: string[];
  users: Array<{ id: string; userPrincipalName: string }>;
  applications: SeededApplication[];
}

export interface SeedResult {
  tenants: SeededTenant[];
}

// ---------------------------------------------------------------------------------------------
// Admin views

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

// ---------------------------------------------------------------------------------------------
// Routes, faults, log

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
