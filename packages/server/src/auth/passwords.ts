import { hash, verify } from '@node-rs/argon2';
import { createRequire } from 'node:module';
import { badRequest } from '../http/errors.js';

/**
 * Passwords are hashed with argon2id (the library's default algorithm) at OWASP's recommended cost:
 * 19 MiB of memory, 2 passes, 1 lane, a random 16-byte salt per hash. About 12 ms per hash on a small VM.
 */
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordMinLength = 10;
/** Longer inputs are refused before hashing, so a huge body cannot make argon2 work for nothing. */
export const passwordMaxLength = 256;

let commonPasswords: Set<string> | undefined;

/**
 * zxcvbn's list is ordered by frequency: its first 1,000 entries are the most common passwords. The package
 * decompresses all its dictionaries when loaded, so it is loaded on the first password check, not at start.
 */
export function isCommonPassword(password: string): boolean {
  if (!commonPasswords) {
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    commonPasswords = new Set(dictionary['passwords-common'].slice(0, 1000).map((word) => word.toLowerCase()));
  }
  return commonPasswords.has(password.toLowerCase());
}

/** Throws a 400 naming what is wrong; the password itself never appears in the message. */
export function assertPasswordPolicy(password: string, email?: string): void {
  if (password.length < passwordMinLength) {
    throw badRequest(`Password is too short: use at least ${passwordMinLength} characters`);
  }
  if (password.length > passwordMaxLength) {
    throw badRequest(`Password is too long: use at most ${passwordMaxLength} characters`);
  }
  if (isCommonPassword(password)) {
    throw badRequest('Password is one of the most common passwords: choose another one');
  }
  if (email && password.toLowerCase() === email.toLowerCase()) {
    throw badRequest('Password must not be the email address');
  }
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. When there is no hash (unknown email, invited user without a
 * password) a dummy hash is verified instead, so the answer takes the same time either way.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('rekey-dummy-password-for-constant-time', argon2Options);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
