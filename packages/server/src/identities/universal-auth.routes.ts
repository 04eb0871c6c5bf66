import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import { identityIdParams } from './identities.schemas.js';
import {
  accessTokenBody,
  accessTokenResponse,
  attachUniversalAuthBody,
  clientSecretParams,
  clientSecretResponse,
  clientSecretsResponse,
  createClientSecretBody,
  createClientSecretResponse,
  universalAuthLoginBody,
  universalAuthResponse,
  updateUniversalAuthBody,
} from './universal-auth.schemas.js';
import type { UniversalAuthService } from './universal-auth.service.js';
import { messageResponse } from '../auth/auth.schemas.js';

const tags = ['universal-auth'];
const base = '/api/v1/auth/universal-auth/identities/:identityId';
const canRead = { access: { authenticated: true, description: 'org identities:read' } } as const;
const canEdit = { access: { authenticated: true, description: 'org identities:edit' } } as const;

/** Universal Auth, with Infisical's paths and payloads, so the official SDKs can log in. */
export const universalAuthRoutes: FastifyPluginAsyncZod<{ universalAuth: UniversalAuthService }> = async (app, { universalAuth }) => {
  app.post(
    '/api/v1/auth/universal-auth/login',
    {
      schema: { tags, summary: 'Exchange a client ID and client secret for an access token', security: [], body: universalAuthLoginBody, response: { 200: accessTokenResponse } },
      config: { access: { public: true } },
    },
    async (request) => universalAuth.login(request.body, requestOrigin(request)),
  );

  app.post(
    '/api/v1/auth/token/revoke',
    {
      schema: { tags, summary: 'Revoke a machine identity access token', security: [], body: accessTokenBody, response: { 200: messageResponse } },
      config: { access: { public: true } },
    },
    async (request) => {
      await universalAuth.revokeToken(request.body.accessToken, requestOrigin(request));
      return { message: 'Successfully revoked access token' };
    },
  );

  app.post(
    '/api/v1/auth/token/renew',
    {
      schema: { tags, summary: "Renew a machine identity access token's TTL", security: [], body: accessTokenBody, response: { 200: accessTokenResponse } },
      config: { access: { public: true } },
    },
    async (request) => universalAuth.renewToken(request.body.accessToken, requestOrigin(request)),
  );

  app.post(
    base,
    {
      schema: { tags, summary: 'Attach Universal Auth to an identity', params: identityIdParams, body: attachUniversalAuthBody, response: { 200: universalAuthResponse } },
      config: canEdit,
    },
    async (request) => ({
      identityUniversalAuth: await universalAuth.attach(requireActor(request), request.params.identityId, request.body, requestOrigin(request)),
    }),
  );

  app.get(
    base,
    { schema: { tags, summary: "Get an identity's Universal Auth configuration", params: identityIdParams, response: { 200: universalAuthResponse } }, config: canRead },
    async (request) => ({ identityUniversalAuth: await universalAuth.get(requireActor(request), request.params.identityId) }),
  );

  app.patch(
    base,
    {
      schema: { tags, summary: "Update an identity's Universal Auth configuration", params: identityIdParams, body: updateUniversalAuthBody, response: { 200: universalAuthResponse } },
      config: canEdit,
    },
    async (request) => ({
      identityUniversalAuth: await universalAuth.update(requireActor(request), request.params.identityId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    base,
    {
      schema: { tags, summary: 'Remove Universal Auth from an identity and revoke the tokens it issued', params: identityIdParams, response: { 200: universalAuthResponse } },
      config: canEdit,
    },
    async (request) => ({
      identityUniversalAuth: await universalAuth.revoke(requireActor(request), request.params.identityId, requestOrigin(request)),
    }),
  );

  app.post(
    `${base}/client-secrets`,
    {
      schema: { tags, summary: 'Create a client secret (shown once)', params: identityIdParams, body: createClientSecretBody, response: { 200: createClientSecretResponse } },
      config: canEdit,
    },
    async (request) => universalAuth.createClientSecret(requireActor(request), request.params.identityId, request.body, requestOrigin(request)),
  );

  app.get(
    `${base}/client-secrets`,
    { schema: { tags, summary: "List an identity's client secrets (never their values)", params: identityIdParams, response: { 200: clientSecretsResponse } }, config: canRead },
    async (request) => ({ clientSecretData: await universalAuth.listClientSecrets(requireActor(request), request.params.identityId) }),
  );

  app.get(
    `${base}/client-secrets/:clientSecretId`,
    { schema: { tags, summary: 'Get one client secret (never its value)', params: clientSecretParams, response: { 200: clientSecretResponse } }, config: canRead },
    async (request) => ({
      clientSecretData: await universalAuth.getClientSecret(requireActor(request), request.params.identityId, request.params.clientSecretId),
    }),
  );

  app.post(
    `${base}/client-secrets/:clientSecretId/revoke`,
    { schema: { tags, summary: 'Revoke a client secret', params: clientSecretParams, response: { 200: clientSecretResponse } }, config: canEdit },
    async (request) => ({
      clientSecretData: await universalAuth.revokeClientSecret(
        requireActor(request),
        request.params.identityId,
        request.params.clientSecretId,
        requestOrigin(request),
      ),
    }),
  );
};
