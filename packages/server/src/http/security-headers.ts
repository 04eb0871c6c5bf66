import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { documentationPrefix } from './access.js';

/**
 * Helmet's headers (CSP, HSTS, no-sniff, frame and referrer policy, ...), on every response. With no nonces
 * or per-request directives they are the same for every request, so helmet runs once here and its headers
 * are replayed; the Fastify plugin rebuilds the whole middleware on each request (measured: ~3% of a
 * secret read).
 */
export function staticSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * API responses are JSON that no browser renders as a page, so they get what OWASP's REST Security Cheat Sheet
 * lists for APIs instead of helmet's page policies: never stored by a cache (they carry secrets), never framed,
 * never sniffed, HTTPS only. Fewer headers per response also matters on the hottest route (bench/RESULTS.md).
 */
export function apiSecurityHeaders(documentHeaders: Record<string, string>): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...(documentHeaders['strict-transport-security'] ? { 'strict-transport-security': documentHeaders['strict-transport-security'] } : {}),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
}

function isApiUrl(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith(documentationPrefix);
}

/**
 * Headers every response carries: the security headers (the API set for `/api/...`, helmet's for the dashboard
 * and the API documentation pages) and `x-request-id` (the id in the request's log lines). Set in one
 * synchronous `onRequest` hook, so that error responses carry them too and no response waits for an
 * asynchronous `onSend` hook (which made Fastify track each reply's stream until it finished).
 */
export function registerResponseHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const documentHeaders = staticSecurityHeaders(options);
  const apiHeaders = apiSecurityHeaders(documentHeaders);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApiUrl(request.url) ? apiHeaders : documentHeaders);
    reply.header('x-request-id', request.id);
    done();
  });
}
