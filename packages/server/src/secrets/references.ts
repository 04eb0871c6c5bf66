import { AppError } from '../http/errors.js';

/**
 * Secret references, expanded on read when a client asks (`expandSecretReferences=true`):
 * - `${KEY}`: KEY in the same environment and folder as the secret that contains the reference;
 * - `${env.KEY}`: KEY at the root of environment `env`;
 * - `${env.a.b.KEY}`: KEY in folder `/a/b` of environment `env`.
 * A referenced value may itself hold references (expanded relative to where *it* lives). A cycle is a
 * 400 that shows the cycle; a reference into a place the reader may not read is a 403, checked before
 * the target is looked up so a reference cannot probe for secrets. A reference to a secret that does
 * not exist is left as written, so values that merely look like templates survive.
 */

export type SecretLocation = { environment: string; secretPath: string };
export type ReferenceTarget = SecretLocation & { key: string };

export type ReferenceSource = {
  canRead(location: SecretLocation): boolean;
  /** The unexpanded values at a location as the reader sees them (personal overrides applied). */
  load(location: SecretLocation): Promise<ReadonlyMap<string, string>>;
};

/** References nested deeper than this are refused: real configurations stay far below it. */
export const MAX_REFERENCE_DEPTH = 16;

const referencePattern = /\$\{([^{}]+)\}/g;

export function hasReferences(value: string): boolean {
  return value.includes('${');
}

/** Parses the text between `${` and `}`; null when it is not a reference (empty parts, whitespace). */
export function parseReference(inner: string, current: SecretLocation): ReferenceTarget | null {
  if (/\s/u.test(inner)) return null;
  const parts = inner.split('.');
  if (parts.some((part) => part === '')) return null;
  const key = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return { ...current, key };
  const environment = parts[0] ?? '';
  const folders = parts.slice(1, -1);
  return { environment, secretPath: folders.length === 0 ? '/' : `/${folders.join('/')}`, key };
}

export function describeTarget(target: ReferenceTarget): string {
  return `${target.environment}:${target.secretPath === '/' ? '' : target.secretPath}/${target.key}`;
}

function locationId(location: SecretLocation): string {
  return `${location.environment}\u0000${location.secretPath}`;
}

export type ReferenceExpander = {
  /** Expands the value of secret `key` stored at `location`. */
  expand(value: string, location: SecretLocation, key: string): Promise<string>;
};

/**
 * One expander per request: it memoises the folders it loads and the values it has expanded, so a
 * value referenced many times (or a diamond of references) costs one lookup.
 */
export function createReferenceExpander(source: ReferenceSource, maxDepth = MAX_REFERENCE_DEPTH): ReferenceExpander {
  const folders = new Map<string, Promise<ReadonlyMap<string, string>>>();
  const expanded = new Map<string, string>();

  function valuesAt(location: SecretLocation): Promise<ReadonlyMap<string, string>> {
    const id = locationId(location);
    let values = folders.get(id);
    if (!values) {
      values = source.load(location);
      folders.set(id, values);
    }
    return values;
  }

  async function expandValue(value: string, location: SecretLocation, chain: ReferenceTarget[]): Promise<string> {
    if (!hasReferences(value)) return value;
    const matches = [...value.matchAll(referencePattern)];
    if (matches.length === 0) return value;
    let result = '';
    let cursor = 0;
    for (const match of matches) {
      const whole = match[0];
      const start = match.index ?? 0;
      result += value.slice(cursor, start);
      cursor = start + whole.length;
      const target = parseReference(match[1] ?? '', location);
      result += target ? await resolve(target, whole, chain) : whole;
    }
    return result + value.slice(cursor);
  }

  async function resolve(target: ReferenceTarget, literal: string, chain: ReferenceTarget[]): Promise<string> {
    const id = describeTarget(target);
    const cycleStart = chain.findIndex((link) => describeTarget(link) === id);
    if (cycleStart >= 0) {
      const cycle = [...chain.slice(cycleStart), target].map(describeTarget).join(' -> ');
      throw new AppError('bad_request', `Secret references form a cycle: ${cycle}`, {
        details: [{ path: 'secretValue', message: `reference cycle ${cycle}` }],
      });
    }
    if (chain.length >= maxDepth) {
      const path = [...chain, target].map(describeTarget).join(' -> ');
      throw new AppError('bad_request', `Secret references are nested more than ${maxDepth} levels deep: ${path}`);
    }
    if (!source.canRead(target)) {
      const from = chain.length > 0 ? ` (from ${describeTarget(chain[chain.length - 1] as ReferenceTarget)})` : '';
      throw new AppError(
        'forbidden',
        `The reference ${literal}${from} points to ${describeTarget(target)}, which you are not allowed to read; ask for read access to environment "${target.environment}" path "${target.secretPath}" or read without expandSecretReferences`,
      );
    }
    const cached = expanded.get(id);
    if (cached !== undefined) return cached;
    const raw = (await valuesAt(target)).get(target.key);
    if (raw === undefined) return literal;
    const value = await expandValue(raw, target, [...chain, target]);
    expanded.set(id, value);
    return value;
  }

  return {
    expand: (value, location, key) => expandValue(value, location, [{ ...location, key }]),
  };
}
