import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir.endsWith('.rekey')).toBe(true);
    expect(config.isWorkerEnabled).toBe(true);
    expect(config.azureAuthorityHost).toBe('https://login.microsoftonline.com');
    expect(config.azureGraphUrl).toBe('https://graph.microsoft.com');
  });

  it('rejects a bad port with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: must be a number$/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/^PORT: must be between 0 and 65535$/);
  });

  it('requires a root key when an external database is used, and names the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/rekey' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/rekey' })).toThrow(/^REKEY_ROOT_KEY: is required/);
  });

  it('rejects a DATABASE_URL that is not a PostgreSQL connection string', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: must be a postgres:\/\//);
  });

  it('refuses non-https Azure endpoints (Microsoft libraries require https)', () => {
    expect(() => loadConfig({ REKEY_AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8443' })).toThrow(/REKEY_AZURE_AUTHORITY_HOST: must use https/);
  });

  it('reads the rotation limits: working attempts, per connection, and attempts in flight', () => {
    expect(loadConfig({}).rotation).toMatchObject({ maxConcurrency: 8, maxConcurrencyPerConnection: 4, maxInFlight: 64 });
    expect(loadConfig({ REKEY_ROTATION_MAX_IN_FLIGHT: '200' }).rotation.maxInFlight).toBe(200);
    expect(() => loadConfig({ REKEY_ROTATION_MAX_IN_FLIGHT: '0' })).toThrow(/^REKEY_ROTATION_MAX_IN_FLIGHT: /);
    expect(() => loadConfig({ REKEY_ROTATION_MAX_IN_FLIGHT: 'many' })).toThrow(/^REKEY_ROTATION_MAX_IN_FLIGHT: must be a number$/);
  });

  it('parses booleans strictly', () => {
    expect(loadConfig({ REKEY_WORKER: 'false' }).isWorkerEnabled).toBe(false);
    expect(() => loadConfig({ REKEY_WORKER: 'maybe' })).toThrow(/^REKEY_WORKER: must be true or false$/);
  });
});
