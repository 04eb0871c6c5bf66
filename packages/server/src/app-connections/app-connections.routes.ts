import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { appConnectionOptionsResponse, appConnectionsResponse } from './app-connections.schemas.js';
import type { AppConnectionsService, Caller } from './app-connections.service.js';

export type AppConnectionRoutesOptions = { service: AppConnectionsService; permissions: PermissionService };

/** The actor, checked against an org-level `app-connections` action, plus where the request came from. */
export function callerWith(
  request: FastifyRequest,
  permissions: PermissionService,
  action: 'read' | 'create' | 'edit' | 'delete' | 'connect',
): Caller {
  const actor = requireActor(request);
  permissions.forOrg(actor).assert('app-connections', action);
  return { actor, origin: requestOrigin(request) };
}

/** App-type independent routes: which connection types exist, and every connection of the organization. */
export const appConnectionRoutes: FastifyPluginAsyncZod<AppConnectionRoutesOptions> = async (app, { service, permissions }) => {
  app.get(
    '/api/v1/app-connections/options',
    {
      schema: {
        tags: ['app-connections'],
        summary: 'List the app connection types and their methods',
        response: { 200: appConnectionOptionsResponse },
      },
      config: { access: { authenticated: true, description: 'Any member; describes server capabilities only' } },
    },
    async (request) => {
      requireActor(request);
      return { appConnectionOptions: service.options() };
    },
  );

  app.get(
    '/api/v1/app-connections',
    {
      schema: {
        tags: ['app-connections'],
        summary: 'List every app connection of the organization',
        response: { 200: appConnectionsResponse },
      },
      config: { access: { authenticated: true, description: 'Org permission app-connections:read' } },
    },
    async (request) => ({ appConnections: await service.list(callerWith(request, permissions, 'read')) }),
  );
};
