import type { EmulatorClock } from './clock.js';
import type { FaultEngine } from './faults.js';
import type { RequestRecorder } from './request-log.js';
import type { Settings } from './settings.js';
import type { Store } from './store.js';
import type { Throttle } from './throttle.js';
import type { SigningKey } from './tokens.js';

/** An authorization code issued by `/authorize`, redeemable once. */
export interface AuthorizationCode {
  tenantId: string;
  clientAppId: string;
  redirectUri: string;
  scopes: string[];
  userId: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresMs: number;
  redeemed: boolean;
}

export interface RefreshToken {
  tenantId: string;
  clientAppId: string;
  userId: string;
  scopes: string[];
  expiresMs: number;
}

/** Everything a handler may read or change; one per running emulator. */
export interface EmulatorContext {
  /** Public https origin advertised in every emitted URL. */
  origin: string;
  clock: EmulatorClock;
  store: Store;
  settings: Settings;
  /** Generated in the background at start; awaited by the first request that needs it. */
  signingKey: Promise<SigningKey>;
  faults: FaultEngine;
  throttle: Throttle;
  recorder: RequestRecorder;
  authorizationCodes: Map<string, AuthorizationCode>;
  refreshTokens: Map<string, RefreshToken>;
  /** Application object id → real-time instant until which it is busy with a write. */
  writeBusyUntil: Map<string, number>;
  random: () => number;
}
