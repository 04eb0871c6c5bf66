import type { FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.js';

export type OrgRole = 'admin' | 'member' | 'no-access';

/**
 * Who is making a request. Users sign in with email and password (dashboard, CLI); machine identities
 * with Universal Auth (CI, SDKs). `system` is the scheduler and other background work, for audit only.
 */
export type Actor =
  | { type: 'user'; userId: string; email: string; orgId: string; orgRole: OrgRole; sessionId: string }
  | { type: 'identity'; identityId: string; name: string; orgId: string; orgRole: OrgRole; tokenId: string }
  | { type: 'system'; orgId: string; reason: string };

export type ActorRef = { type: Actor['type']; id: string };

export function actorRef(actor: Actor): ActorRef {
  if (actor.type === 'user') return { type: 'user', id: actor.userId };
  if (actor.type === 'identity') return { type: 'identity', id: actor.identityId };
  return { type: 'system', id: actor.reason };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every non-public route. */
    actor?: Actor;
  }
}

/** The authenticated actor of a request; routes that are not public always have one. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthorized', 'Authentication required: send Authorization: Bearer <token>');
  return request.actor;
}

/** Identifies everything about an actor that decides what it may do, for keys of per-actor caches. */
export function actorCacheKey(actor: Actor): string {
  const ref = actorRef(actor);
  return `${ref.type}:${ref.id}:${actor.orgId}:${actor.type === 'system' ? 'system' : actor.orgRole}`;
}
