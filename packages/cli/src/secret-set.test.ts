import { describe, expect, it } from 'vitest';
import type { Secret, SecretList } from './rekey-api.js';
import { mergeSecrets, versionFingerprint } from './secret-set.js';

function secret(key: string, value: string, version = 1, id = `id-${key}`): Secret {
  return {
    id,
    secretKey: key,
    secretValue: value,
    secretComment: '',
    secretPath: '/',
    environment: 'dev',
    version,
    type: 'shared',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('mergeSecrets', () => {
  it('lets own secrets win over imports, and earlier imports over later ones', () => {
    const list: SecretList = {
      secrets: [secret('OWN', 'own'), secret('SHARED', 'own')],
      imports: [
        { environment: 'dev', secretPath: '/first', secrets: [secret('SHARED', 'first'), secret('FROM_IMPORT', 'first', 1, 'f1')] },
        { environment: 'dev', secretPath: '/second', secrets: [secret('FROM_IMPORT', 'second', 1, 's1'), secret('ONLY_SECOND', 'second')] },
      ],
    };
    expect(Object.fromEntries(mergeSecrets(list))).toEqual({ OWN: 'own', SHARED: 'own', FROM_IMPORT: 'first', ONLY_SECOND: 'second' });
  });
});

describe('versionFingerprint', () => {
  const base: SecretList = { secrets: [secret('A', 'x'), secret('B', 'y')] };

  it('ignores values and order, so a poll can leave values hidden', () => {
    const hidden: SecretList = { secrets: [secret('B', ''), secret('A', '')] };
    expect(versionFingerprint(hidden)).toBe(versionFingerprint(base));
  });

  it('changes with a new version, an added or removed secret, or a changed import', () => {
    const original = versionFingerprint(base);
    expect(versionFingerprint({ secrets: [secret('A', 'x', 2), secret('B', 'y')] })).not.toBe(original);
    expect(versionFingerprint({ secrets: [secret('A', 'x')] })).not.toBe(original);
    expect(versionFingerprint({ ...base, imports: [{ environment: 'dev', secretPath: '/i', secrets: [secret('C', 'z')] }] })).not.toBe(original);
  });
});
