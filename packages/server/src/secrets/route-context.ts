import type { FastifyRequest } from 'fastify';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import type { CallContext } from './secrets.context.js';

/** Who is calling and from where, for the service calls a route makes. */
export function callContext(request: FastifyRequest): CallContext {
  return { actor: requireActor(request), origin: requestOrigin(request) };
}

/** Every secrets route needs an authenticated caller; the services check what the caller may do. */
export const authenticated = { access: { authenticated: true } } as const;
