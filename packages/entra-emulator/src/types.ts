/**
 * Public contract of the emulator. Other packages code against these names, so changes here are
 * breaking changes: add optional fields, never rename.
 */
import type { EmulatorAdmin } from './admin-types.js';
import type { Seed } from './seed-types.js';

export type * from './admin-types.js';
export type * from './seed-types.js';

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
