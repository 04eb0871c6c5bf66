import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MachineCredential, configDir, createCredentialStore } from './config-store.js';
import { findProjectConfig, writeProjectConfig } from './project-config.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const machine: MachineCredential = {
  kind: 'universal-auth',
  clientId: 'id-1',
  clientSecret: 'secret-1',
  accessToken: 'token-1',
  accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
};

describe('configDir', () => {
  it('uses XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/config' })).toBe('/x/config/rekey');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' })).toBe(path.join(os.homedir(), '.config', 'rekey'));
    expect(configDir({})).toBe(path.join(os.homedir(), '.config', 'rekey'));
  });
});

describe('credential store', () => {
  it('saves per server, private to the user (file 0600, folder 0700)', async () => {
    const file = path.join(dir, 'rekey', 'credentials.json');
    const store = createCredentialStore({ path: file });
    await store.save('http://a:8080', machine, { makeDefault: true });
    await store.save('http://b:8080', { ...machine, clientId: 'id-2' });

    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(await store.get('http://a:8080')).toEqual(machine);
    expect((await store.get('http://b:8080'))?.kind).toBe('universal-auth');
    expect(await store.get('http://c:8080')).toBeUndefined();
    expect(await store.defaultApiUrl()).toBe('http://a:8080');
    expect(await fs.readdir(path.dirname(file))).toEqual(['credentials.json']);
  });

  it('forgets a server on remove, and the default with it', async () => {
    const store = createCredentialStore({ path: path.join(dir, 'credentials.json') });
    await store.save('http://a:8080', machine, { makeDefault: true });
    expect(await store.remove('http://a:8080')).toBe(true);
    expect(await store.remove('http://a:8080')).toBe(false);
    expect(await store.get('http://a:8080')).toBeUndefined();
    expect(await store.defaultApiUrl()).toBeUndefined();
  });

  it('warns about a file others can read, and tightens it on the next write', async () => {
    const file = path.join(dir, 'credentials.json');
    await fs.writeFile(file, JSON.stringify({ version: 1, servers: { 'http://a:8080': machine } }), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    const warnings: string[] = [];
    const store = createCredentialStore({ path: file, warn: (message) => warnings.push(message) });
    expect(await store.get('http://a:8080')).toEqual(machine);
    expect(warnings).toEqual([expect.stringContaining('chmod 600')]);
    await store.save('http://a:8080', machine);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reads a missing file as empty and ignores malformed entries', async () => {
    const file = path.join(dir, 'credentials.json');
    const store = createCredentialStore({ path: file });
    expect(await store.read()).toEqual({ version: 1, servers: {} });
    await fs.writeFile(file, JSON.stringify({ servers: { 'http://a:8080': { kind: 'user' }, 'http://b:8080': machine } }), { mode: 0o600 });
    expect(Object.keys((await store.read()).servers)).toEqual(['http://b:8080']);
    await fs.writeFile(file, '{not json');
    await expect(store.read()).rejects.toThrow(/not valid JSON/);
  });
});

describe('.rekey.json', () => {
  it('is found from sub-folders, and not overwritten without force', async () => {
    const file = await writeProjectConfig(dir, { projectId: 'p1', defaultEnvironment: 'staging' }, { force: false });
    const nested = path.join(dir, 'a', 'b');
    await fs.mkdir(nested, { recursive: true });
    expect(await findProjectConfig(nested)).toEqual({ file, config: { projectId: 'p1', defaultEnvironment: 'staging' } });
    await expect(writeProjectConfig(dir, { projectId: 'p2', defaultEnvironment: 'dev' }, { force: false })).rejects.toThrow(/--force/);
    await writeProjectConfig(dir, { projectId: 'p2', defaultEnvironment: 'dev', secretPath: '/api' }, { force: true });
    expect((await findProjectConfig(dir))?.config).toEqual({ projectId: 'p2', defaultEnvironment: 'dev', secretPath: '/api' });
  });

  it('explains a broken file', async () => {
    await fs.writeFile(path.join(dir, '.rekey.json'), '{"defaultEnvironment":"dev"}');
    await expect(findProjectConfig(dir)).rejects.toThrow(/no projectId/);
  });
});
