import { z } from 'zod';
import type { Ids } from '../lib/ids.js';

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const slugSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(slugPattern, { message: 'must be lower-case letters, digits and single hyphens, such as my-project' });

/** A readable slug from a name plus a short random suffix, so two projects named "API" do not collide. */
export function slugWithSuffix(name: string, ids: Ids, fallback: string, max = 36): string {
  const suffix = Buffer.from(ids.token(6), 'base64url').toString('hex').slice(0, 4);
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max - suffix.length - 1)
    .replace(/-+$/g, '');
  return `${base || fallback}-${suffix}`;
}
