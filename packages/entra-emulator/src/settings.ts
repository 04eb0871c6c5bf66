import { InputError } from './input-error.js';
import type {
  DelayRange,
  EmulatorOptions,
  LimitsOptions,
  RealismOptions,
  RealismPreset,
  ResolvedLimits,
  ResolvedRealism,
  ResolvedThrottle,
  RuntimeSettings,
  ThrottleOptions,
} from './types.js';

/** Everything the request handlers read at runtime; admin setters replace parts of it. */
export interface Settings {
  realism: ResolvedRealism;
  latency: DelayRange;
  limits: ResolvedLimits;
  throttle: ResolvedThrottle;
  tokenLifetimeSeconds: number;
  removePasswordMissingStatus: number;
  removePasswordMissingCode: string;
  futureSecretCode: number;
  conflictStatus: number;
}

const ZERO: DelayRange = { minMs: 0, maxMs: 0 };

/**
 * "realistic" follows the propagation reports in the reference (§3): new secrets take 5–30 s,
 * reads lag writes by a couple of seconds, removed secrets linger briefly.
 */
export const REALISM_PRESETS: Record<RealismPreset, ResolvedRealism> = {
  instant: {
    activationDelay: ZERO,
    readAfterWriteDelayMs: 0,
    removalDelayMs: 0,
    concurrentWriteWindowMs: 0,
    flakyWindowMs: 0,
    flakyProbability: 0.5,
  },
  realistic: {
    activationDelay: { minMs: 5_000, maxMs: 30_000 },
    readAfterWriteDelayMs: 2_000,
    removalDelayMs: 10_000,
    concurrentWriteWindowMs: 0,
    flakyWindowMs: 0,
    flakyProbability: 0.5,
  },
};

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new InputError(`${name} must be a non-negative number`);
  return value;
}

export function resolveRange(value: number | DelayRange, name: string): DelayRange {
  if (typeof value === 'number') return { minMs: nonNegative(value, name), maxMs: value };
  const minMs = nonNegative(value.minMs, `${name}.minMs`);
  const maxMs = nonNegative(value.maxMs, `${name}.maxMs`);
  if (maxMs < minMs) throw new InputError(`${name}.maxMs must be >= minMs`);
  return { minMs, maxMs };
}

function isPreset(value: unknown): value is RealismPreset {
  return value === 'instant' || value === 'realistic';
}

/** A preset name replaces everything; an options object overrides only the fields it names. */
export function resolveRealism(
  input: RealismPreset | RealismOptions | undefined,
  base: ResolvedRealism = REALISM_PRESETS.instant,
): ResolvedRealism {
  if (input === undefined) return { ...base };
  if (isPreset(input)) return { ...REALISM_PRESETS[input] };
  if (typeof input !== 'object' || input === null) throw new InputError(`unknown realism preset: ${String(input)}`);
  const activation = input.activationDelay;
  let activationDelay = base.activationDelay;
  if (isPreset(activation)) activationDelay = REALISM_PRESETS[activation].activationDelay;
  else if (activation !== undefined) activationDelay = resolveRange(activation, 'activationDelay');
  const probability = input.flakyProbability ?? base.flakyProbability;
  if (probability < 0 || probability > 1) throw new InputError('flakyProbability must be between 0 and 1');
  return {
    activationDelay,
    readAfterWriteDelayMs: nonNegative(input.readAfterWriteDelayMs ?? base.readAfterWriteDelayMs, 'readAfterWriteDelayMs'),
    removalDelayMs: nonNegative(input.removalDelayMs ?? base.removalDelayMs, 'removalDelayMs'),
    concurrentWriteWindowMs: nonNegative(
      input.concurrentWriteWindowMs ?? base.concurrentWriteWindowMs,
      'concurrentWriteWindowMs',
    ),
    flakyWindowMs: nonNegative(input.flakyWindowMs ?? base.flakyWindowMs, 'flakyWindowMs'),
    flakyProbability: probability,
  };
}

export function resolveLimits(input: LimitsOptions | undefined, base?: ResolvedLimits): ResolvedLimits {
  const current = base ?? { personalAccountMaxPasswords: 2, maxPasswordsPerApplication: null, maxPasswordLifetimeDays: null };
  return {
    personalAccountMaxPasswords: input?.personalAccountMaxPasswords ?? current.personalAccountMaxPasswords,
    maxPasswordsPerApplication:
      input?.maxPasswordsPerApplication === undefined ? current.maxPasswordsPerApplication : input.maxPasswordsPerApplication,
    maxPasswordLifetimeDays:
      input?.maxPasswordLifetimeDays === undefined ? current.maxPasswordLifetimeDays : input.maxPasswordLifetimeDays,
  };
}

export function resolveThrottle(input: ThrottleOptions | undefined, base?: ResolvedThrottle): ResolvedThrottle {
  const current = base ?? { enabled: false, resourceUnitsPer10s: 3_500, writesPer150s: 3_000, tenantWritesPer5Min: 18_000 };
  return {
    // Passing throttle settings without `enabled` means "turn it on with these numbers".
    enabled: input?.enabled ?? (input ? true : current.enabled),
    resourceUnitsPer10s: input?.resourceUnitsPer10s ?? current.resourceUnitsPer10s,
    writesPer150s: input?.writesPer150s ?? current.writesPer150s,
    tenantWritesPer5Min: input?.tenantWritesPer5Min ?? current.tenantWritesPer5Min,
  };
}

export function applyRuntimeSettings(settings: Settings, input: RuntimeSettings): void {
  if (input.tokenLifetimeSeconds !== undefined) {
    settings.tokenLifetimeSeconds = Math.max(1, Math.floor(nonNegative(input.tokenLifetimeSeconds, 'tokenLifetimeSeconds')));
  }
  if (input.removePasswordMissingStatus !== undefined) settings.removePasswordMissingStatus = input.removePasswordMissingStatus;
  if (input.removePasswordMissingCode !== undefined) settings.removePasswordMissingCode = input.removePasswordMissingCode;
  if (input.futureSecretCode !== undefined) settings.futureSecretCode = input.futureSecretCode;
  if (input.conflictStatus !== undefined) settings.conflictStatus = input.conflictStatus;
}

export function createSettings(options: EmulatorOptions): Settings {
  const settings: Settings = {
    realism: resolveRealism(options.realism),
    latency: resolveRange(options.latencyMs ?? 0, 'latencyMs'),
    limits: resolveLimits(options.limits),
    throttle: resolveThrottle(options.throttle),
    tokenLifetimeSeconds: 3599,
    removePasswordMissingStatus: 400,
    removePasswordMissingCode: 'Request_BadRequest',
    futureSecretCode: 7000215,
    conflictStatus: 409,
  };
  applyRuntimeSettings(settings, options);
  return settings;
}
