import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, createSelfSignedCertificate, ensureCa } from './certs.js';
import { startEmulator } from './server.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'entra-emulator-certs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ensureCa', () => {
  it('creates a CA with a 0600 key on first use and loads the same files afterwards', async () => {
    const caDir = path.join(dir, 'nested', 'ca');
    const first = await ensureCa(caDir);
    expect(first.certPath).toBe(path.join(caDir, 'ca.pem'));
    expect((await stat(path.join(caDir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(first.certPem);
    expect(cert.ca).toBe(true);
    const second = await ensureCa(caDir);
    expect(second).toEqual(first);
  });

  it('concurrent callers agree on one CA', async () => {
    const caDir = path.join(dir, 'race');
    const results = await Promise.all([ensureCa(caDir), ensureCa(caDir), ensureCa(caDir)]);
    expect(new Set(results.map((result) => result.certPem)).size).toBe(1);
  });

  it('refuses a certificate and key that do not belong together', async () => {
    const caDir = path.join(dir, 'mismatch');
    await ensureCa(caDir);
    const other = await createCa();
    await writeFile(path.join(caDir, 'ca-key.pem'), other.keyPem);
    await expect(ensureCa(caDir)).rejects.toThrow(/do not belong together/);
  });
});

describe('TLS', () => {
  it('serves a leaf for 127.0.0.1 and localhost signed by the CA, on loopback only', async () => {
    const ca = await createCa();
    const emulator = await startEmulator({ ca });
    try {
      expect(emulator.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: emulator.port, ca: ca.certPem, servername: 'localhost' }, () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        });
        socket.on('error', reject);
      });
      expect(peer.subjectaltname).toBe('IP Address:127.0.0.1, DNS:localhost');
      expect(emulator.caCertPem).toBe(ca.certPem);
    } finally {
      await emulator.close();
    }
  });

  it('makes self-signed client certificates with both thumbprints', async () => {
    const cert = await createSelfSignedCertificate('client');
    const x509 = new X509Certificate(cert.certPem);
    expect(cert.thumbprintSha1).toBe(x509.fingerprint.replaceAll(':', ''));
    expect(cert.thumbprintSha256).toHaveLength(64);
  });
});
