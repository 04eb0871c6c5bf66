// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are secret values holding ${...} references, not templates
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { createReferenceExpander, parseReference, type ReferenceSource, type SecretLocation } from './references.js';

function sourceOf(
  folders: Record<string, Record<string, string>>,
  options: { unreadable?: string[] } = {},
): ReferenceSource & { loads: string[] } {
  const loads: string[] = [];
  return {
    loads,
    canRead: (location) => !(options.unreadable ?? []).includes(`${location.environment}:${location.secretPath}`),
    load: async (location) => {
      const id = `${location.environment}:${location.secretPath}`;
      loads.push(id);
      return new Map(Object.entries(folders[id] ?? {}));
    },
  };
}

const dev: SecretLocation = { environment: 'dev', secretPath: '/' };

describe('parseReference', () => {
  it('reads the three forms relative to the current location', () => {
    const here = { environment: 'dev', secretPath: '/api' };
    expect(parseReference('KEY', here)).toEqual({ environment: 'dev', secretPath: '/api', key: 'KEY' });
    expect(parseReference('prod.KEY', here)).toEqual({ environment: 'prod', secretPath: '/', key: 'KEY' });
    expect(parseReference('prod.api.payments.KEY', here)).toEqual({ environment: 'prod', secretPath: '/api/payments', key: 'KEY' });
  });

  it('ignores text that is not a reference', () => {
    expect(parseReference('a..b', dev)).toBeNull();
    expect(parseReference('has space', dev)).toBeNull();
    expect(parseReference('.KEY', dev)).toBeNull();
  });
});

describe('createReferenceExpander', () => {
  it('expands local, cross-environment and nested references', async () => {
    const source = sourceOf({
      'dev:/': { HOST: 'db.local', URL: 'postgres://${HOST}:${PORT}/${prod.api.NAME}', PORT: '5432' },
      'prod:/api': { NAME: '${prod.PREFIX}-app' },
      'prod:/': { PREFIX: 'acme' },
    });
    const expander = createReferenceExpander(source);
    const value = await expander.expand('postgres://${HOST}:${PORT}/${prod.api.NAME}', dev, 'URL');
    expect(value).toBe('postgres://db.local:5432/acme-app');
  });

  it('loads each folder once per expander', async () => {
    const source = sourceOf({ 'dev:/': { A: 'a', B: 'b' } });
    const expander = createReferenceExpander(source);
    await expander.expand('${A}${B}', dev, 'X');
    await expander.expand('${B}${A}', dev, 'Y');
    expect(source.loads).toEqual(['dev:/']);
  });

  it('leaves references to missing secrets as written', async () => {
    const expander = createReferenceExpander(sourceOf({ 'dev:/': {} }));
    expect(await expander.expand('x-${MISSING}-${prod.NOPE}', dev, 'X')).toBe('x-${MISSING}-${prod.NOPE}');
  });

  it('refuses a cycle with a 400 that shows the cycle', async () => {
    const source = sourceOf({ 'dev:/': { A: '${B}', B: '${staging.C}' }, 'staging:/': { C: '${dev.A}' } });
    const expander = createReferenceExpander(source);
    const error = await expander.expand('${B}', dev, 'A').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('bad_request');
    expect((error as AppError).message).toContain('dev:/A -> dev:/B -> staging:/C -> dev:/A');
  });

  it('refuses a self reference', async () => {
    const expander = createReferenceExpander(sourceOf({ 'dev:/': { A: '${A}' } }));
    await expect(expander.expand('${A}', dev, 'A')).rejects.toThrow(/cycle: dev:\/A -> dev:\/A/);
  });

  it('refuses a reference into a place the reader may not read, before looking it up', async () => {
    const source = sourceOf({ 'prod:/': { KEY: 'top-secret' } }, { unreadable: ['prod:/'] });
    const expander = createReferenceExpander(source);
    const error = await expander.expand('${prod.KEY}', dev, 'X').catch((e: unknown) => e);
    expect((error as AppError).code).toBe('forbidden');
    expect(source.loads).toEqual([]);
  });

  it('bounds the depth of nesting', async () => {
    const folder: Record<string, string> = {};
    for (let i = 0; i < 30; i++) folder[`K${i}`] = `\${K${i + 1}}`;
    folder.K30 = 'end';
    const expander = createReferenceExpander(sourceOf({ 'dev:/': folder }), 16);
    await expect(expander.expand('${K1}', dev, 'K0')).rejects.toThrow(/nested more than 16 levels/);
  });
});
