import http from 'node:http';
import https from 'node:https';
import { assertAllowedHost, guardedLookup } from './webhook-target.js';

export type WebhookResponse = { status: number };

export type WebhookPostOptions = { timeoutMs: number; allowPrivateTargets: boolean };

const maxResponseBytes = 64 * 1024;

/**
 * POSTs one signed body. Redirects are not followed (a 3xx is a failed delivery: following it could lead
 * to a private address), the target's address is checked after DNS resolution, and the response body is
 * read only up to 64 KiB and then dropped. Resolves with the status of any response; rejects on
 * refusal, network error or timeout.
 */
export function postWebhook(target: string, body: string, headers: Record<string, string>, options: WebhookPostOptions): Promise<WebhookResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(target);
      assertAllowedHost(url, options.allowPrivateTargets);
    } catch (error) {
      reject(error);
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Rekey-Webhooks/1', ...headers },
        lookup: guardedLookup(options.allowPrivateTargets),
        timeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) response.destroy();
        });
        response.on('close', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
