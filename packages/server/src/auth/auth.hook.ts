import type { FastifyInstance } from 'fastify';
import { isPublicAccess } from '../http/access.js';
import { AppError, unauthorized } from '../http/errors.js';
import type { Authenticator } from './authenticate.js';

/**
 * The global authentication hook: every route that is not declared `{public: true}` needs
 * `Authorization: Bearer <token>` (a user access token or a machine identity access token). Requests that match
 * no route are left to the 404 handler, which reveals nothing.
 */
export function registerAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    if (isPublicAccess(request.routeOptions.config.access)) return;
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Token missing');
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Invalid authorization header: expected "Authorization: Bearer <token>"');
    request.actor = await authenticator.authenticate(match[1], request.ip);
  });

  // Rate-limit refusals carry the wait in their details; clients also get it as the standard Retry-After header.
  app.addHook('onError', async (_request, reply, error) => {
    if (error instanceof AppError && error.code === 'rate_limited') {
      const wait = error.details?.find((detail) => detail.path === 'retryAfterSeconds');
      if (wait) reply.header('retry-after', wait.message);
    }
  });
}
