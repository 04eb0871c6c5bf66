import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './webhook-client.js';
import { retryDelayMs } from './webhook-dispatcher.js';
import { signatureHeader, verifySignature } from './webhook-signature.js';
import { forbiddenAddressReason, webhookUrlSchema, WebhookTargetError } from './webhook-target.js';

describe('webhook URL validation', () => {
  const problems = (url: string) => {
    const parsed = webhookUrlSchema.safeParse(url);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  };

  it('accepts absolute http and https URLs', () => {
    expect(problems('https://hooks.example.com/rekey?x=1')).toEqual([]);
    expect(problems('http://receiver.internal:8080/path')).toEqual([]);
  });

  it('refuses other schemes, relative URLs, credentials, fragments and URLs over 2048 characters', () => {
    expect(problems('file:///etc/passwd')).toEqual(['must use http or https, not file']);
    expect(problems('gopher://example.com/')).toEqual(['must use http or https, not gopher']);
    expect(problems('/relative')).toEqual(['must be an absolute http:// or https:// URL']);
    expect(problems('https://user:pass@example.com/')[0]).toMatch(/user name or password/);
    expect(problems('https://example.com/#x')[0]).toMatch(/fragment/);
    expect(problems(`https://example.com/${'a'.repeat(4980)}`)).toContain('must be at most 2048 characters');
  });
});

describe('webhook target addresses', () => {
  it('allows public unicast addresses only', () => {
    expect(forbiddenAddressReason('93.184.216.34')).toBeUndefined();
    expect(forbiddenAddressReason('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    for (const address of [
      '169.254.169.254', // cloud metadata (AWS, Azure, GCP)
      'fd00:ec2::254', // AWS metadata over IPv6
      '168.63.129.16', // Azure wire server
      '100.100.100.200', // Alibaba metadata (carrier-grade NAT range)
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '0.0.0.0',
      'fe80::1',
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '224.0.0.1',
    ]) {
      expect(forbiddenAddressReason(address), address).toBeDefined();
    }
  });

  it('with private targets allowed, still refuses link-local, metadata and tunnelled addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', 'fd12:3456::1', '100.64.0.1']) expect(forbiddenAddressReason(address, true), address).toBeUndefined();
    for (const address of ['169.254.169.254', '169.254.10.10', 'fd00:ec2::254', '168.63.129.16', '100.100.100.200', 'fe80::1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '0.0.0.0']) {
      expect(forbiddenAddressReason(address, true), address).toBeDefined();
    }
  });

  it('retries with doubling delays capped at six hours', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(1000, attempt))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30_000, 30)).toBe(6 * 60 * 60_000);
  });
});

describe('signed delivery client', () => {
  let server: http.Server;
  let port: number;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(request.url === '/redirect' ? 302 : 204, request.url === '/redirect' ? { location: 'http://169.254.169.254/' } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses loopback targets (by literal and by name) unless private targets are allowed', async () => {
    const options = { timeoutMs: 2000, allowPrivateTargets: false };
    await expect(postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, options)).rejects.toBeInstanceOf(WebhookTargetError);
    await expect(postWebhook(`http://localhost:${port}/`, '{}', {}, options)).rejects.toBeInstanceOf(WebhookTargetError);
    await expect(postWebhook('http://169.254.169.254/latest/meta-data/', '{}', {}, options)).rejects.toThrow(/metadata/);
    expect(received).toHaveLength(0);
  });

  it('delivers when allowed, does not follow redirects, and the signature verifies with plain HMAC code', async () => {
    const body = JSON.stringify({ type: 'webhook.test' });
    const t = 1_700_000_000;
    const header = signatureHeader('whsec_test', body, t);
    const response = await postWebhook(`http://127.0.0.1:${port}/hook`, body, { 'x-rekey-signature': header }, { timeoutMs: 2000, allowPrivateTargets: true });
    expect(response.status).toBe(204);
    const delivered = received.at(-1);
    expect(delivered?.body).toBe(body);
    const expected = createHmac('sha256', 'whsec_test').update(`${t}.${body}`).digest('hex');
    expect(delivered?.headers['x-rekey-signature']).toBe(`t=${t},v1=${expected}`);
    expect(verifySignature('whsec_test', body, header, t + 10)).toBe(true);
    expect(verifySignature('whsec_test', body, header, t + 301)).toBe(false);
    expect(verifySignature('whsec_other', body, header, t)).toBe(false);
    expect(verifySignature('whsec_test', `${body} `, header, t)).toBe(false);

    await expect(postWebhook('http://169.254.169.254/', body, {}, { timeoutMs: 2000, allowPrivateTargets: true })).rejects.toThrow(/metadata/);
    const redirected = await postWebhook(`http://127.0.0.1:${port}/redirect`, body, {}, { timeoutMs: 2000, allowPrivateTargets: true });
    expect(redirected.status).toBe(302);
  });
});
