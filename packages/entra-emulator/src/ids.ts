import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newGuid(): string {
  return randomUUID();
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Entra client secrets are drawn from this alphabet (reference §7.13). */
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';
function randomChars(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += SECRET_ALPHABET.charAt(randomInt(SECRET_ALPHABET.length));
  return out;
}

/**
 * A 40-character secret shaped like the ones Azure issues today (`xxxxQ~…`), so length and
 * character-class assumptions in callers (form encoding, masking) are exercised.
 */
export function generateSecret(): string {
  return `${randomChars(4)}Q~${randomChars(34)}`;
}

export interface SecretHash {
  salt: Buffer;
  digest: Buffer;
}

/** Only a salted hash is stored: the emulator must not be able to return a secret after addPassword. */
export function hashSecret(secret: string): SecretHash {
  const salt = randomBytes(16);
  return { salt, digest: createHmac('sha256', salt).update(secret, 'utf8').digest() };
}

export function secretMatches(secret: string, hash: SecretHash): boolean {
  const digest = createHmac('sha256', hash.salt).update(secret, 'utf8').digest();
  return timingSafeEqual(digest, hash.digest);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function pickInRange(minMs: number, maxMs: number): number {
  if (maxMs <= minMs) return minMs;
  return minMs + Math.floor(Math.random() * (maxMs - minMs + 1));
}
