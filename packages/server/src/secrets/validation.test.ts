import { describe, expect, it } from 'vitest';
import {
  SECRET_VALUE_MAX_BYTES,
  folderNameProblem,
  normalizeSecretPath,
  parentPath,
  secretNameProblem,
  zSecretPath,
  zSecretValue,
} from './validation.js';
import { projectRefOf } from './secrets.schemas.js';

describe('normalizeSecretPath', () => {
  it('adds a leading slash and removes a trailing one', () => {
    expect(normalizeSecretPath('')).toEqual({ ok: true, path: '/' });
    expect(normalizeSecretPath('/')).toEqual({ ok: true, path: '/' });
    expect(normalizeSecretPath('api')).toEqual({ ok: true, path: '/api' });
    expect(normalizeSecretPath('/api/payments/')).toEqual({ ok: true, path: '/api/payments' });
    expect(normalizeSecretPath('  /api ')).toEqual({ ok: true, path: '/api' });
  });

  it('refuses dot segments, empty segments and odd characters', () => {
    for (const bad of ['/api/../prod', '/..', '/./api', '/api//x', '//', '/a b', '/a\\b', '/api/%2e%2e']) {
      expect(normalizeSecretPath(bad).ok, bad).toBe(false);
    }
  });

  it('gives a clear zod error', () => {
    const result = zSecretPath.safeParse('/api/../prod');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('".."');
  });
});

describe('names', () => {
  it('validates secret names', () => {
    expect(secretNameProblem('DATABASE_URL')).toBeNull();
    expect(secretNameProblem('with.dots-and_dashes')).toBeNull();
    expect(secretNameProblem('')).toMatch(/empty/);
    expect(secretNameProblem('HAS SPACE')).toMatch(/whitespace/);
    expect(secretNameProblem('TAB\tX')).toMatch(/whitespace/);
    expect(secretNameProblem('x'.repeat(257))).toMatch(/256/);
    expect(secretNameProblem('x'.repeat(256))).toBeNull();
  });

  it('validates folder names', () => {
    expect(folderNameProblem('payments-v2_eu')).toBeNull();
    expect(folderNameProblem('a.b')).not.toBeNull();
    expect(folderNameProblem('')).not.toBeNull();
  });

  it('finds parents', () => {
    expect(parentPath('/api/payments')).toBe('/api');
    expect(parentPath('/api')).toBe('/');
  });
});

describe('zSecretValue', () => {
  it('accepts values up to the limit, counted in UTF-8 bytes', () => {
    expect(zSecretValue.safeParse('x'.repeat(SECRET_VALUE_MAX_BYTES)).success).toBe(true);
    expect(zSecretValue.safeParse('x'.repeat(SECRET_VALUE_MAX_BYTES + 1)).success).toBe(false);
    // 2 bytes per character: half the limit in characters already exceeds it.
    expect(zSecretValue.safeParse('é'.repeat(SECRET_VALUE_MAX_BYTES / 2 + 1)).success).toBe(false);
  });
});

describe('projectRefOf', () => {
  const a = '3b0c8e5e-8a57-4a3e-9d8e-2a0f3c1b7d11';
  const b = '9f1d2c3b-4a5e-4f6d-8c7b-0a1b2c3d4e5f';
  it('takes workspaceId, projectId or workspaceSlug', () => {
    expect(projectRefOf({ workspaceId: a })).toEqual({ projectId: a });
    expect(projectRefOf({ projectId: a })).toEqual({ projectId: a });
    expect(projectRefOf({ workspaceId: a, projectId: a })).toEqual({ projectId: a });
    expect(projectRefOf({ workspaceSlug: 'web' })).toEqual({ projectSlug: 'web' });
  });

  it('refuses two ids that name different projects, and no project at all', () => {
    expect(() => projectRefOf({ workspaceId: a, projectId: b })).toThrow(/name different projects/);
    expect(() => projectRefOf({})).toThrow(/Name the project/);
  });
});
