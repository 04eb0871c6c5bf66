import picomatch from 'picomatch';
import type { PermissionAction, PermissionConditions, PermissionRule, PermissionTarget } from './permissions.types.js';

/**
 * Rule evaluation. A check is allowed when some rule allows the action and no inverted rule forbids it.
 *
 * Conditions are compared with the fields the target gives. A check that leaves a field out (for example
 * "may this actor read secrets at all?", used to filter lists) matches an allowing rule conditioned on that
 * field, but never triggers a forbidding one: the answer means "somewhere", and the concrete check that
 * follows must pass the environment and path.
 */

/** `/api/` and `api` are the same folder as `/api`; the root is `/`. */
export function normalizeSecretPath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const collapsed = withSlash.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

const matchers = new Map<string, (path: string) => boolean>();

/**
 * Glob match on folder paths with picomatch. `/api/**` matches `/api` itself and everything below it
 * (picomatch treats a trailing globstar as "zero or more segments"); `/api/*` matches direct children only.
 */
export function secretPathMatches(glob: string, path: string): boolean {
  let matcher = matchers.get(glob);
  if (!matcher) {
    matcher = picomatch(normalizeSecretPath(glob), { dot: true });
    if (matchers.size > 10_000) matchers.clear();
    matchers.set(glob, matcher);
  }
  return matcher(normalizeSecretPath(path));
}

function valueMatches(expected: string | string[], actual: string): boolean {
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

type ConditionCheck = 'allow' | 'forbid';

function conditionsMatch(conditions: PermissionConditions | undefined, target: PermissionTarget, check: ConditionCheck): boolean {
  if (!conditions) return true;
  const results: boolean[] = [];
  if (conditions.environment !== undefined) {
    results.push(target.environment === undefined ? check === 'allow' : valueMatches(conditions.environment, target.environment));
  }
  if (conditions.secretPath !== undefined) {
    results.push(target.secretPath === undefined ? check === 'allow' : secretPathMatches(conditions.secretPath, target.secretPath));
  }
  if (conditions.connectionId !== undefined) {
    results.push(target.connectionId === undefined ? check === 'allow' : valueMatches(conditions.connectionId, target.connectionId));
  }
  return results.every(Boolean);
}

export function isAllowed(rules: PermissionRule[], subject: string, action: PermissionAction, target: PermissionTarget = {}): boolean {
  const relevant = rules.filter((rule) => rule.subject === subject && rule.actions.includes(action));
  if (relevant.some((rule) => rule.inverted && conditionsMatch(rule.conditions, target, 'forbid'))) return false;
  return relevant.some((rule) => !rule.inverted && conditionsMatch(rule.conditions, target, 'allow'));
}

/** "read secrets in environment 'prod' at '/api'" — for 403 messages. */
export function describeCheck(subject: string, action: PermissionAction, target: PermissionTarget = {}): string {
  const parts = [`${action} ${subject}`];
  if (target.environment !== undefined) parts.push(`in environment '${target.environment}'`);
  if (target.secretPath !== undefined) parts.push(`at path '${normalizeSecretPath(target.secretPath)}'`);
  if (target.connectionId !== undefined) parts.push(`with connection ${target.connectionId}`);
  return parts.join(' ');
}
