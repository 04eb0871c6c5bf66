import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

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
 * Headers every response carries: the security headers and `x-request-id` (the id in the request's log lines).
 * Set in one synchronous `onRequest` hook, so that error responses carry them too and no response waits for an
 * asynchronous `onSend` hook (which made Fastify track each reply's stream until it finished).
 */
export function registerResponseHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = staticSecurityHeaders(options);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done();
  });
}
