import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Actor, actorRef } from '../../auth/actor.js';
import type { Keyring } from '../../crypto/keyring.js';
import { badRequest } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';

const stateLifetimeMs = 15 * 60 * 1000;
const stateAad = 'app-connection:azure-oauth-state';

const statePayload = z.object({ actor: z.string(), tenantId: z.string(), expiresAt: z.number(), verifier: z.string() });

function actorKey(actor: Actor): string {
  const ref = actorRef(actor);
  return `${ref.type}:${ref.id}`;
}

export type OAuthStart = { state: string; codeChallenge: string };

/**
 * The OAuth `state` is sealed (AES-GCM) with the organization's data key, so it cannot be forged or read:
 * it binds the flow to the organization, the person who started it and the tenant, expires after 15
 * minutes, and carries the PKCE verifier, so an authorization code is only redeemable by the flow that
 * asked for it and Rekey keeps no server-side session for it.
 */
export function createOAuthStateCodec(deps: { keyring: Keyring; clock: Clock; ids: Ids }) {
  return {
    async start(actor: Actor, tenantId: string): Promise<OAuthStart> {
      const verifier = deps.ids.token(32);
      const payload = { actor: actorKey(actor), tenantId, expiresAt: deps.clock.now().getTime() + stateLifetimeMs, verifier };
      const sealed = await deps.keyring.encrypt(actor.orgId, stateAad, JSON.stringify(payload));
      return { state: sealed.toString('base64url'), codeChallenge: createHash('sha256').update(verifier).digest('base64url') };
    },

    /** Returns the PKCE verifier when the state is genuine, current and belongs to this actor and tenant. */
    async finish(actor: Actor, tenantId: string, state: string): Promise<string> {
      const restart = 'start the Azure connection again from the dashboard';
      let payload: z.infer<typeof statePayload>;
      try {
        const text = await deps.keyring.decryptText(actor.orgId, stateAad, Buffer.from(state, 'base64url'));
        payload = statePayload.parse(JSON.parse(text));
      } catch {
        throw badRequest(`The OAuth state is not valid for this organization; ${restart}`);
      }
      if (payload.expiresAt <= deps.clock.now().getTime()) throw badRequest(`The OAuth state has expired; ${restart}`);
      if (payload.actor !== actorKey(actor)) throw badRequest(`The OAuth flow was started by someone else; ${restart}`);
      if (payload.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
        throw badRequest(`The OAuth flow was started for tenant ${payload.tenantId}, not ${tenantId}; ${restart}`);
      }
      return payload.verifier;
    },
  };
}

export type OAuthStateCodec = ReturnType<typeof createOAuthStateCodec>;
