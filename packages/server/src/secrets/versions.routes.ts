import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticated, callContext } from './route-context.js';
import { zSecretResponse } from './secrets.schemas.js';
import type { SecretsService } from './secrets.service.js';

const zVersion = z.object({
  id: z.string(),
  secretId: z.string(),
  version: z.number().int(),
  workspace: z.string(),
  environment: z.string(),
  secretPath: z.string(),
  type: z.enum(['shared', 'personal']),
  secretKey: z.string(),
  secretValue: z.string(),
  secretComment: z.string(),
  change: z.enum(['created', 'updated', 'restored', 'rotated']),
  actor: z.object({ actorType: z.enum(['user', 'identity', 'system']), actorId: z.string(), name: z.string().nullable() }),
  createdAt: z.string(),
});

const zSecretIdParams = z.object({ secretId: z.string() });
const tags = ['secret-versions'];

/** History of a secret (Infisical's `/api/v1/secret/:secretId/secret-versions`) and restoring a version. */
export const versionsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  app.get(
    '/api/v1/secret/:secretId/secret-versions',
    {
      schema: {
        tags,
        summary: "List a secret's versions, newest first, with who made each and when",
        params: zSecretIdParams,
        querystring: z.object({
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ secretVersions: z.array(zVersion) }) },
      },
      config: authenticated,
    },
    async (request) => {
      const { offset, limit } = request.query;
      return { secretVersions: await secrets.versions.list(callContext(request), request.params.secretId, { offset, limit }) };
    },
  );

  app.post(
    '/api/v1/secret/:secretId/secret-versions/:version/restore',
    {
      schema: {
        tags,
        summary: "Restore an older version's value and comment (as a new version)",
        params: zSecretIdParams.extend({ version: z.coerce.number().int().min(1) }),
        response: { 200: zSecretResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const { secretId, version } = request.params;
      return { secret: await secrets.versions.restore(callContext(request), secretId, version) };
    },
  );
};
