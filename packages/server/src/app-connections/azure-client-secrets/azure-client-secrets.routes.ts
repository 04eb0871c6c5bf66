import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../auth/actor.js';
import { forbidden } from '../../http/errors.js';
import { type AppConnectionRoutesOptions, callerWith } from '../app-connections.routes.js';
import {
  appConnectionResponse,
  appConnectionsResponse,
  availableConnectionsResponse,
  connectionIdParams,
  connectionNameParams,
} from '../app-connections.schemas.js';
import {
  authorizeUrlQuery,
  authorizeUrlResponse,
  azureClientsResponse,
  createAzureConnectionBody,
  updateAzureConnectionBody,
} from './azure-client-secrets.schemas.js';

const base = '/api/v1/app-connections/azure-client-secrets';
const tags = ['app-connections'];
const access = (permission: string) => ({ access: { authenticated: true as const, description: `Org permission app-connections:${permission}` } });

/** `/api/v1/app-connections/azure-client-secrets`, Infisical-compatible paths and shapes. */
export const azureClientSecretsRoutes: FastifyPluginAsyncZod<AppConnectionRoutesOptions> = async (app, { service, permissions }) => {
  app.get(
    base,
    {
      schema: { tags, summary: 'List Azure Client Secrets connections', response: { 200: appConnectionsResponse } },
      config: access('read'),
    },
    async (request) => ({ appConnections: await service.list(callerWith(request, permissions, 'read'), 'azure-client-secrets') }),
  );

  app.get(
    `${base}/available`,
    {
      schema: { tags, summary: 'List the Azure connections the caller may use in a rotation', response: { 200: availableConnectionsResponse } },
      config: access('connect'),
    },
    async (request) => {
      const caller = callerWith(request, permissions, 'connect');
      return { appConnections: await service.available(caller.actor.orgId, 'azure-client-secrets') };
    },
  );

  app.get(
    `${base}/oauth/authorize-url`,
    {
      schema: {
        tags,
        summary: 'Start the OAuth method: the Entra ID authorize URL and a signed state',
        description:
          'Send the browser to `url`. Entra ID returns it to /organization/app-connections/azure/oauth/callback with `code` and `state`; post both (with the tenantId) as the credentials of the create or update call.',
        querystring: authorizeUrlQuery,
        response: { 200: authorizeUrlResponse },
      },
      config: { access: { authenticated: true, description: 'Org permission app-connections:create or app-connections:edit' } },
    },
    async (request) => {
      const actor = requireActor(request);
      const org = permissions.forOrg(actor);
      if (!org.can('app-connections', 'create') && !org.can('app-connections', 'edit')) {
        throw forbidden('You need permission to create or edit app connections to connect to Azure');
      }
      return service.oauthAuthorizeUrl(actor, request.query.tenantId);
    },
  );

  app.get(
    `${base}/:connectionId`,
    {
      schema: { tags, summary: 'Get an Azure connection by id', params: connectionIdParams, response: { 200: appConnectionResponse } },
      config: access('read'),
    },
    async (request) => ({
      appConnection: await service.get(callerWith(request, permissions, 'read'), { id: request.params.connectionId }),
    }),
  );

  app.get(
    `${base}/connection-name/:connectionName`,
    {
      schema: { tags, summary: 'Get an Azure connection by name', params: connectionNameParams, response: { 200: appConnectionResponse } },
      config: access('read'),
    },
    async (request) => ({
      appConnection: await service.get(callerWith(request, permissions, 'read'), { name: request.params.connectionName }),
    }),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an Azure connection (validated against Entra ID and Graph first)',
        body: createAzureConnectionBody,
        response: { 200: appConnectionResponse },
      },
      config: access('create'),
    },
    async (request) => ({ appConnection: await service.createAzure(callerWith(request, permissions, 'create'), request.body) }),
  );

  app.patch(
    `${base}/:connectionId`,
    {
      schema: {
        tags,
        summary: 'Update an Azure connection’s name, description or credentials (the method cannot change)',
        params: connectionIdParams,
        body: updateAzureConnectionBody,
        response: { 200: appConnectionResponse },
      },
      config: access('edit'),
    },
    async (request) => ({
      appConnection: await service.updateAzure(callerWith(request, permissions, 'edit'), request.params.connectionId, request.body),
    }),
  );

  app.delete(
    `${base}/:connectionId`,
    {
      schema: {
        tags,
        summary: 'Delete an Azure connection (refused with 409 while a secret rotation uses it)',
        params: connectionIdParams,
        response: { 200: appConnectionResponse },
      },
      config: access('delete'),
    },
    async (request) => ({
      appConnection: await service.deleteAzure(callerWith(request, permissions, 'delete'), request.params.connectionId),
    }),
  );

  app.get(
    `${base}/:connectionId/clients`,
    {
      schema: {
        tags,
        summary: 'List the applications of the connection’s tenant (all pages), for choosing what to rotate',
        params: connectionIdParams,
        response: { 200: azureClientsResponse },
      },
      config: access('connect'),
    },
    async (request) => {
      const caller = callerWith(request, permissions, 'connect');
      return { clients: await service.listClients(caller.actor.orgId, request.params.connectionId) };
    },
  );
};
