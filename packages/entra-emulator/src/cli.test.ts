import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('entra-emulator CLI', () => {
  it('prints origin and CA path as one JSON line, serves the seed, and stops on SIGTERM', async () => {
    const caDir = process.env.REKEY_TEST_CA_DIR;
    if (!caDir) throw new Error('Run the tests through scripts/test.mjs (REKEY_TEST_CA_DIR is not set).');
    const child = spawn(process.execPath, [path.join(packageDir, 'bin', 'entra-emulator.mjs'), '--port', '0', '--seed', path.join(packageDir, 'seeds', 'demo.json'), '--ca-dir', caDir, '--realism', 'instant'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const info = JSON.parse(chunk.toString('utf8').split('\n')[0] ?? '') as { origin: string; caCertPath: string; tenants: Array<{ id: string; applications: unknown[] }> };
      expect(info.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(info.caCertPath).toBe(path.join(caDir, 'ca.pem'));
      expect(info.tenants[0]?.applications).toHaveLength(6);
      const oidc = (await (await fetch(`${info.origin}/rekeydemo.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(oidc.issuer).toBe(`${info.origin}/${info.tenants[0]?.id}/v2.0`);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
