import type { FastifyInstance } from 'fastify';
import { isPublicAccess } from '../http/access.js';
import { AppError, unauthorized } from '../http/errors.js';
import type { Authenticator } from './authenticate.js';

/**
 * The global authentication hook: every route that is not declared `{public: true}` needs
 * `Authorization: Bearer <token>` (a user access token or a machine identity access token). Requests that match
 * no route are left to the 404 handler, which reveals nothing.
 */
function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('Token missing');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Invalid authorization header: expected "Authorization: Bearer <token>"');
  return match[1];
}

export function registerAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  // A callback hook rather than an async one: a caller whose token, session or token row is cached is
  // answered without a promise (the hottest path, every secret read), everyone else through the database.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404 || isPublicAccess(request.routeOptions.config.access)) return done();
    let token: string;
    try {
      token = bearerToken(request.headers.authorization);
      const cached = authenticator.authenticateFromCache(token, request.ip);
      if (cached) {
        request.actor = cached;
        return done();
      }
    } catch (error) {
      return done(error as Error);
    }
    authenticator.authenticate(token, request.ip).then((actor) => {
      request.actor = actor;
      done();
    }, done);
  });

  // Rate-limit refusals carry the wait in their details; clients also get it as the standard Retry-After header.
  app.addHook('onError', async (_request, reply, error) => {
    if (error instanceof AppError && error.code === 'rate_limited') {
      const wait = error.details?.find((detail) => detail.path === 'retryAfterSeconds');
      if (wait) reply.header('retry-after', wait.message);
    }
  });
}
