import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import type { IdentitiesService } from './identities.service.js';
import { createIdentityBody, identitiesResponse, identityIdParams, identityResponse, updateIdentityBody } from './identities.schemas.js';

const tags = ['identities'];
const authenticated = { access: { authenticated: true } } as const;

/** Machine identities (Infisical-compatible `/api/v1/identities`). */
export const identitiesRoutes: FastifyPluginAsyncZod<{ identities: IdentitiesService }> = async (app, { identities }) => {
  app.post(
    '/api/v1/identities',
    {
      schema: { tags, summary: 'Create a machine identity', body: createIdentityBody, response: { 200: identityResponse } },
      config: { access: { authenticated: true, description: 'org identities:create' } },
    },
    async (request) => ({ identity: await identities.create(requireActor(request), request.body, requestOrigin(request)) }),
  );

  app.get(
    '/api/v1/identities',
    {
      schema: { tags, summary: "List the organization's machine identities", response: { 200: identitiesResponse } },
      config: { access: { authenticated: true, description: 'org identities:read' } },
    },
    async (request) => ({ identities: await identities.list(requireActor(request)) }),
  );

  app.get(
    '/api/v1/identities/:identityId',
    {
      schema: { tags, summary: 'Get a machine identity', params: identityIdParams, response: { 200: identityResponse } },
      config: authenticated,
    },
    async (request) => ({ identity: await identities.get(requireActor(request), request.params.identityId) }),
  );

  app.patch(
    '/api/v1/identities/:identityId',
    {
      schema: { tags, summary: 'Rename a machine identity or change its organization role', params: identityIdParams, body: updateIdentityBody, response: { 200: identityResponse } },
      config: { access: { authenticated: true, description: 'org identities:edit' } },
    },
    async (request) => ({
      identity: await identities.update(requireActor(request), request.params.identityId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    '/api/v1/identities/:identityId',
    {
      schema: { tags, summary: 'Delete a machine identity and everything it holds', params: identityIdParams, response: { 200: identityResponse } },
      config: { access: { authenticated: true, description: 'org identities:delete' } },
    },
    async (request) => ({ identity: await identities.remove(requireActor(request), request.params.identityId, requestOrigin(request)) }),
  );
};
