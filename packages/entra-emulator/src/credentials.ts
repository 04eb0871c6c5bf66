import { X509Certificate } from 'node:crypto';
import { addYears, graphDateTime, isoDate } from './dates.js';
import { generateSecret, hashSecret, newGuid, pickInRange, secretMatches } from './ids.js';
import { InputError } from './input-error.js';
import type { StoredApplication, StoredKeyCredential, StoredPassword } from './store.js';
import type { KeyCredentialView, PasswordCredentialView, ResolvedRealism } from './types.js';


export interface NewPasswordInput {
  displayName?: string | null;
  startMs?: number;
  endMs?: number;
  secretText?: string;
  keyId?: string;
}

export interface ReplicationTiming {
  activationDelayMs: number;
  readAfterWriteDelayMs: number;
  flakyWindowMs: number;
}

/** Draws the per-credential delays from the current realism settings (jitter per credential). */
export function replicationTiming(realism: ResolvedRealism): ReplicationTiming {
  return {
    activationDelayMs: pickInRange(realism.activationDelay.minMs, realism.activationDelay.maxMs),
    readAfterWriteDelayMs: realism.readAfterWriteDelayMs,
    flakyWindowMs: realism.flakyWindowMs,
  };
}

export const IMMEDIATE: ReplicationTiming = { activationDelayMs: 0, readAfterWriteDelayMs: 0, flakyWindowMs: 0 };

/** Adds a password and returns the only copy of its secret. Defaults follow Graph: now → +2 years. */
export function addPassword(
  app: StoredApplication,
  input: NewPasswordInput,
  nowMs: number,
  timing: ReplicationTiming,
): { stored: StoredPassword; secretText: string } {
  const secretText = input.secretText ?? generateSecret();
  const startMs = input.startMs ?? nowMs;
  const endMs = input.endMs ?? addYears(startMs, 2);
  const activeFromMs = nowMs + timing.activationDelayMs;
  const stored: StoredPassword = {
    keyId: (input.keyId ?? newGuid()).toLowerCase(),
    displayName: input.displayName ?? null,
    hint: secretText.slice(0, 3),
    secretHash: hashSecret(secretText),
    startMs,
    endMs,
    createdMs: nowMs,
    activeFromMs,
    visibleFromMs: nowMs + timing.readAfterWriteDelayMs,
    flakyUntilMs: activeFromMs + timing.flakyWindowMs,
    removedMs: null,
  };
  app.passwords.push(stored);
  return { stored, secretText };
}

export type SecretCheck =
  | { result: 'ok'; credential: StoredPassword }
  | { result: 'invalid' }
  | { result: 'notYetValid' }
  | { result: 'expired' };

/**
 * Token-endpoint view of a client secret (reference §7.6, §7.17, §7.18): a removed secret still
 * works during the removal delay; a secret that has not replicated fails like a wrong one.
 */
export function checkSecret(
  app: StoredApplication,
  secret: string,
  nowMs: number,
  realism: ResolvedRealism,
  random: () => number = Math.random,
): SecretCheck {
  const matches = app.passwords.filter(
    (password) =>
      (password.removedMs === null || nowMs < password.removedMs + realism.removalDelayMs) &&
      secretMatches(secret, password.secretHash),
  );
  if (matches.length === 0) return { result: 'invalid' };
  const replicated = matches.filter(
    (password) => nowMs >= password.activeFromMs && !(nowMs < password.flakyUntilMs && random() < realism.flakyProbability),
  );
  if (replicated.length === 0) return { result: 'invalid' };
  const usable = replicated.find((password) => password.startMs <= nowMs && nowMs < password.endMs);
  if (usable) return { result: 'ok', credential: usable };
  if (replicated.every((password) => nowMs >= password.endMs)) return { result: 'expired' };
  return { result: 'notYetValid' };
}

export function isVisibleToGraph(password: StoredPassword, nowMs: number, realism: ResolvedRealism): boolean {
  if (password.removedMs !== null) return nowMs < password.removedMs + realism.readAfterWriteDelayMs;
  return nowMs >= password.visibleFromMs;
}

/** The Graph resource shape (reference §2.2): secretText and customKeyIdentifier are always null on reads. */
export function passwordResource(password: StoredPassword): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: password.displayName,
    endDateTime: graphDateTime(password.endMs),
    hint: password.hint,
    keyId: password.keyId,
    secretText: null,
    startDateTime: graphDateTime(password.startMs),
  };
}

export function passwordView(password: StoredPassword, nowMs: number, realism: ResolvedRealism): PasswordCredentialView {
  let state: PasswordCredentialView['state'];
  if (password.removedMs !== null) state = 'removed';
  else if (nowMs < password.activeFromMs) state = 'pending';
  else if (nowMs >= password.endMs) state = 'expired';
  else if (nowMs < password.startMs) state = 'notYetValid';
  else state = 'active';
  const accepted =
    nowMs >= password.activeFromMs &&
    password.startMs <= nowMs &&
    nowMs < password.endMs &&
    (password.removedMs === null || nowMs < password.removedMs + realism.removalDelayMs);
  return {
    keyId: password.keyId,
    displayName: password.displayName,
    hint: password.hint,
    startDateTime: graphDateTime(password.startMs),
    endDateTime: graphDateTime(password.endMs),
    createdDateTime: isoDate(password.createdMs),
    activeFromDateTime: isoDate(password.activeFromMs),
    visibleFromDateTime: isoDate(password.visibleFromMs),
    removedDateTime: password.removedMs === null ? null : isoDate(password.removedMs),
    state,
    isVisibleToGraph: isVisibleToGraph(password, nowMs, realism),
    isAcceptedByTokenEndpoint: accepted,
  };
}

export interface NewKeyCredentialInput {
  certificatePem: string;
  keyId?: string;
  displayName?: string | null;
  startMs?: number;
  endMs?: number;
}

/** Registers a certificate; its validity defaults to the certificate's own notBefore/notAfter. */
export function addKeyCredential(app: StoredApplication, input: NewKeyCredentialInput): StoredKeyCredential {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(input.certificatePem);
  } catch {
    throw new InputError('certificatePem must be a PEM-encoded X.509 certificate');
  }
  const stored: StoredKeyCredential = {
    keyId: (input.keyId ?? newGuid()).toLowerCase(),
    displayName: input.displayName ?? x509.subject.replace(/\n/g, ', '),
    certificatePem: x509.toString(),
    publicKey: x509.publicKey,
    thumbprintSha1: Buffer.from(x509.fingerprint.replaceAll(':', ''), 'hex'),
    thumbprintSha256: Buffer.from(x509.fingerprint256.replaceAll(':', ''), 'hex'),
    startMs: input.startMs ?? Date.parse(x509.validFrom),
    endMs: input.endMs ?? Date.parse(x509.validTo),
  };
  app.keyCredentials.push(stored);
  return stored;
}

export function keyCredentialResource(key: StoredKeyCredential): Record<string, unknown> {
  return {
    customKeyIdentifier: key.thumbprintSha1.toString('hex').toUpperCase(),
    displayName: key.displayName,
    endDateTime: graphDateTime(key.endMs),
    key: null,
    keyId: key.keyId,
    startDateTime: graphDateTime(key.startMs),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

export function keyCredentialView(key: StoredKeyCredential): KeyCredentialView {
  return {
    keyId: key.keyId,
    displayName: key.displayName,
    thumbprintSha1: key.thumbprintSha1.toString('hex').toUpperCase(),
    thumbprintSha256: key.thumbprintSha256.toString('hex').toUpperCase(),
    startDateTime: graphDateTime(key.startMs),
    endDateTime: graphDateTime(key.endMs),
  };
}
