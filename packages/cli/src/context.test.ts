import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeApiUrl } from './api-client.js';
import { createCredentialStore } from './config-store.js';
import { type Runtime, normalizeSecretPath, resolveApiUrl, resolveScope } from './context.js';
import { writeProjectConfig } from './project-config.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-context-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function runtime(env: NodeJS.ProcessEnv = {}): Runtime {
  return { env, cwd: dir, out: () => {}, err: () => {}, store: createCredentialStore({ path: path.join(dir, 'credentials.json') }) };
}

describe('resolveScope', () => {
  it('takes flags over environment variables over .rekey.json over defaults', async () => {
    await writeProjectConfig(dir, { projectId: 'from-file', defaultEnvironment: 'staging', secretPath: '/file' }, { force: false });
    expect(await resolveScope({}, runtime())).toMatchObject({ project: 'from-file', environment: 'staging', secretPath: '/file' });
    const env = { REKEY_PROJECT_ID: 'from-env', REKEY_ENVIRONMENT: 'prod', REKEY_SECRET_PATH: 'env/' };
    expect(await resolveScope({}, runtime(env))).toMatchObject({ project: 'from-env', environment: 'prod', secretPath: '/env' });
    expect(await resolveScope({ project: 'flag', env: 'dev', path: '/flag' }, runtime(env))).toMatchObject({
      project: 'flag',
      environment: 'dev',
      secretPath: '/flag',
    });
  });

  it('defaults to dev and / and explains a missing project', async () => {
    expect(await resolveScope({ project: 'p' }, runtime())).toMatchObject({ environment: 'dev', secretPath: '/' });
    await expect(resolveScope({}, runtime())).rejects.toThrow(/--project.*REKEY_PROJECT_ID.*rekey init/);
  });
});

describe('resolveApiUrl', () => {
  it('takes --api-url, then REKEY_API_URL, then the last login, then localhost', async () => {
    const plain = runtime();
    expect(await resolveApiUrl({}, plain)).toBe('http://localhost:8080');
    await plain.store.save(
      'https://saved.example.com',
      { kind: 'universal-auth', clientId: 'c', clientSecret: 's', accessToken: 't', accessTokenExpiresAt: '2030-01-01T00:00:00Z' },
      { makeDefault: true },
    );
    expect(await resolveApiUrl({}, plain)).toBe('https://saved.example.com');
    expect(await resolveApiUrl({}, runtime({ REKEY_API_URL: 'http://env:1/' }))).toBe('http://env:1');
    expect(await resolveApiUrl({ apiUrl: 'http://flag:2' }, runtime({ REKEY_API_URL: 'http://env:1' }))).toBe('http://flag:2');
  });

  it('spells one server one way, so credentials are found again', () => {
    expect(normalizeApiUrl('HTTP://Example.com:80/')).toBe('http://example.com');
    expect(normalizeApiUrl('https://example.com/rekey//')).toBe('https://example.com/rekey');
    expect(() => normalizeApiUrl('example.com')).toThrow(/Invalid API URL/);
    expect(() => normalizeApiUrl('ftp://example.com')).toThrow(/http/);
  });
});

describe('normalizeSecretPath', () => {
  it('adds the leading slash and drops trailing ones', () => {
    expect(normalizeSecretPath('')).toBe('/');
    expect(normalizeSecretPath('/')).toBe('/');
    expect(normalizeSecretPath('api/')).toBe('/api');
    expect(normalizeSecretPath('/api/payments')).toBe('/api/payments');
  });
});
