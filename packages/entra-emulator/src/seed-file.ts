import { readFile } from 'node:fs/promises';
import { InputError } from './input-error.js';
import type { Seed } from './types.js';

/** Reads a seed JSON file (see the README for the format); a `$schema` key is allowed and ignored. */
export async function readSeedFile(path: string): Promise<Seed> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { tenants?: unknown }).tenants)) {
    throw new InputError(`${path} must contain an object with a "tenants" array`);
  }
  return parsed as Seed;
}
