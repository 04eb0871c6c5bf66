import { describe, expect, it } from 'vitest';
import { builtInProjectRules, orgRoleRules } from './default-roles.js';
import { normalizeRule, ruleInput } from './permissions.schemas.js';
import type { PermissionRule } from './permissions.types.js';
import { isAllowed, normalizeSecretPath, secretPathMatches } from './rules.js';

describe('secret path globs', () => {
  it.each([
    ['/api/**', '/api', true],
    ['/api/**', '/api/', true],
    ['/api/**', '/api/v1', true],
    ['/api/**', '/api/v1/deep/er', true],
    ['/api/**', '/apix', false],
    ['/api/**', '/', false],
    ['/api/*', '/api/v1', true],
    ['/api/*', '/api/v1/deep', false],
    ['/api', '/api', true],
    ['/api', '/api/v1', false],
    ['/**', '/', true],
    ['/**', '/anything/below', true],
    ['/*/db', '/payments/db', true],
    ['/.hidden/**', '/.hidden/x', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(secretPathMatches(glob, path)).toBe(expected);
  });

  it('normalises paths', () => {
    expect(normalizeSecretPath('api//v1/')).toBe('/api/v1');
    expect(normalizeSecretPath('/')).toBe('/');
  });
});

describe('rule evaluation', () => {
  const rules: PermissionRule[] = [
    { subject: 'secrets', actions: ['read'], conditions: { environment: 'dev' } },
    { subject: 'secrets', actions: ['read', 'edit'], conditions: { environment: ['staging', 'prod'], secretPath: '/api/**' } },
    { subject: 'secrets', actions: ['read'], conditions: { environment: 'prod', secretPath: '/api/admin/**' }, inverted: true },
    { subject: 'secret-rotations', actions: ['create'], conditions: { connectionId: 'c1' } },
  ];

  it.each([
    ['read', { environment: 'dev', secretPath: '/anything' }, true],
    ['edit', { environment: 'dev', secretPath: '/' }, false],
    ['read', { environment: 'staging', secretPath: '/api' }, true],
    ['edit', { environment: 'prod', secretPath: '/api/v1' }, true],
    ['read', { environment: 'prod', secretPath: '/web' }, false],
    ['read', { environment: 'prod', secretPath: '/api/admin/keys' }, false],
    ['read', { environment: 'prod', secretPath: '/api/admin' }, false],
    ['read', { environment: 'qa' }, false],
  ] as const)('%s secrets %o → %s', (action, target, expected) => {
    expect(isAllowed(rules, 'secrets', action, target)).toBe(expected);
  });

  it('a check without a target asks "anywhere?": conditional allows match, conditional denials do not apply', () => {
    expect(isAllowed(rules, 'secrets', 'read')).toBe(true);
    expect(isAllowed(rules, 'secrets', 'edit')).toBe(true);
    expect(isAllowed(rules, 'secrets', 'delete')).toBe(false);
  });

  it('checks connection conditions', () => {
    expect(isAllowed(rules, 'secret-rotations', 'create', { connectionId: 'c1' })).toBe(true);
    expect(isAllowed(rules, 'secret-rotations', 'create', { connectionId: 'c2' })).toBe(false);
  });

  it('an unconditional inverted rule forbids everywhere', () => {
    const withDeny: PermissionRule[] = [...builtInProjectRules.admin, { subject: 'secrets', actions: ['delete'], inverted: true }];
    expect(isAllowed(withDeny, 'secrets', 'delete', { environment: 'dev', secretPath: '/' })).toBe(false);
    expect(isAllowed(withDeny, 'secrets', 'edit', { environment: 'dev', secretPath: '/' })).toBe(true);
  });
});

describe('default roles', () => {
  const can = (role: keyof typeof builtInProjectRules, subject: string, action: Parameters<typeof isAllowed>[2]) =>
    isAllowed(builtInProjectRules[role], subject, action, { environment: 'prod', secretPath: '/' });

  it('rotations follow Infisical §5.1: admin all six actions, member and viewer read only, no-access nothing', () => {
    const actions = ['read', 'read-generated-credentials', 'create', 'edit', 'delete', 'rotate-secrets'] as const;
    expect(actions.map((a) => can('admin', 'secret-rotations', a))).toEqual([true, true, true, true, true, true]);
    expect(actions.map((a) => can('member', 'secret-rotations', a))).toEqual([true, false, false, false, false, false]);
    expect(actions.map((a) => can('viewer', 'secret-rotations', a))).toEqual([true, false, false, false, false, false]);
    expect(actions.map((a) => can('no-access', 'secret-rotations', a))).toEqual([false, false, false, false, false, false]);
  });

  it('members write secrets, folders, imports and environments; viewers only read them', () => {
    for (const subject of ['secrets', 'secret-folders', 'secret-imports', 'environments']) {
      expect(['read', 'create', 'edit', 'delete'].map((a) => can('member', subject, a as 'read'))).toEqual([true, true, true, true]);
      expect(['read', 'create', 'edit', 'delete'].map((a) => can('viewer', subject, a as 'read'))).toEqual([true, false, false, false]);
    }
    expect(can('member', 'webhooks', 'read')).toBe(true);
    expect(can('member', 'webhooks', 'create')).toBe(false);
    expect(can('member', 'audit-logs', 'read')).toBe(true);
    expect(can('viewer', 'audit-logs', 'read')).toBe(false);
    expect(can('member', 'members', 'create')).toBe(false);
  });

  it('org admins manage connections; org members may read them and create projects', () => {
    expect(isAllowed(orgRoleRules.admin, 'app-connections', 'connect')).toBe(true);
    expect(isAllowed(orgRoleRules.member, 'app-connections', 'read')).toBe(true);
    expect(isAllowed(orgRoleRules.member, 'app-connections', 'create')).toBe(false);
    expect(isAllowed(orgRoleRules.member, 'projects', 'create')).toBe(true);
    expect(isAllowed(orgRoleRules.member, 'members', 'read')).toBe(false);
    expect(isAllowed(orgRoleRules['no-access'], 'projects', 'create')).toBe(false);
  });
});

describe('rule input', () => {
  it('accepts Infisical-style rules and normalises them', () => {
    const parsed = ruleInput.parse({ subject: 'secrets', action: 'read', conditions: { environment: { $in: ['dev', 'staging'] }, secretPath: { $glob: '/api/**' } } });
    expect(normalizeRule(parsed)).toEqual({ subject: 'secrets', actions: ['read'], conditions: { environment: ['dev', 'staging'], secretPath: '/api/**' } });
  });

  it('treats $eq paths as exact, escaping glob characters', () => {
    const rule = normalizeRule(ruleInput.parse({ subject: 'secrets', actions: ['read'], conditions: { secretPath: { $eq: '/a*b' } } }));
    expect(isAllowed([rule], 'secrets', 'read', { secretPath: '/a*b' })).toBe(true);
    expect(isAllowed([rule], 'secrets', 'read', { secretPath: '/axxb' })).toBe(false);
  });

  it.each([
    [{ subject: 'secrets' }, 'action is required'],
    [{ subject: 'secrets', action: 'rotate-secrets' }, "'rotate-secrets' does not apply to secrets"],
    [{ subject: 'nuclear-codes', action: 'read' }, 'must be one of'],
    [{ subject: 'secrets', action: 'read', conditions: { secretPath: 'api/**' } }, "must start with '/'"],
    [{ subject: 'secrets', action: 'read', conditions: { owner: 'me' } }, 'Unrecognized key'],
  ])('refuses %o', (input, message) => {
    const result = ruleInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
