import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticated, callContext } from './route-context.js';
import type { SecretsService } from './secrets.service.js';

const zTagView = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  color: z.string().nullable(),
  workspace: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const zProjectParams = z.object({ projectId: z.string() });
const zSlug = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Tag slug: lower-case letters and digits, separated by single dashes')
  .max(64);
const tags = ['tags'];

/** Secret tags of a project, Infisical's `/api/v1/workspace/:projectId/tags`. */
export const tagsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  app.get(
    '/api/v1/workspace/:projectId/tags',
    {
      schema: { tags, summary: "List a project's secret tags", params: zProjectParams, response: { 200: z.object({ workspaceTags: z.array(zTagView) }) } },
      config: authenticated,
    },
    async (request) => ({ workspaceTags: await secrets.tags.list(callContext(request), request.params.projectId) }),
  );

  app.post(
    '/api/v1/workspace/:projectId/tags',
    {
      schema: {
        tags,
        summary: 'Create a secret tag',
        params: zProjectParams,
        body: z.object({ slug: zSlug, name: z.string().trim().min(1).max(64).optional(), color: z.string().max(32).nullable().optional() }),
        response: { 200: z.object({ workspaceTag: zTagView }) },
      },
      config: authenticated,
    },
    async (request) => {
      const { slug, name, color } = request.body;
      const input = { slug, ...(name !== undefined ? { name } : {}), ...(color !== undefined ? { color } : {}) };
      return { workspaceTag: await secrets.tags.create(callContext(request), request.params.projectId, input) };
    },
  );

  app.delete(
    '/api/v1/workspace/:projectId/tags/:tagId',
    {
      schema: {
        tags,
        summary: 'Delete a secret tag (secrets keep existing, without it)',
        params: zProjectParams.extend({ tagId: z.string() }),
        response: { 200: z.object({ workspaceTag: zTagView }) },
      },
      config: authenticated,
    },
    async (request) => ({ workspaceTag: await secrets.tags.remove(callContext(request), request.params.projectId, request.params.tagId) }),
  );
};
