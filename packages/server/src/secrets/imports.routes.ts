import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticated, callContext } from './route-context.js';
import { projectFields, projectRefOf } from './secrets.schemas.js';
import type { SecretsService } from './secrets.service.js';
import { zEnvironmentSlug, zSecretPath } from './validation.js';

const zSecretImport = z.object({
  id: z.string(),
  folderId: z.string(),
  importPath: z.string(),
  importEnv: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  position: z.number().int(),
  isReplication: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const locationFields = { ...projectFields, environment: zEnvironmentSlug, path: zSecretPath };
const zOneResponse = z.object({ message: z.string(), secretImport: zSecretImport });
const tags = ['secret-imports'];

/** Secret imports, Infisical's `/api/v1/secret-imports`. */
export const importsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  app.post(
    '/api/v1/secret-imports',
    {
      schema: {
        tags,
        summary: "Make a folder import another environment/path's secrets",
        body: z.object({ ...locationFields, import: z.object({ environment: zEnvironmentSlug, path: zSecretPath }) }),
        response: { 200: zOneResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const secretImport = await secrets.imports.create({
        ...callContext(request),
        project: projectRefOf(body),
        environment: body.environment,
        path: body.path,
        source: body.import,
      });
      return { message: 'Successfully created secret import', secretImport };
    },
  );

  app.get(
    '/api/v1/secret-imports',
    {
      schema: {
        tags,
        summary: 'List the imports of a folder, in the order they apply',
        querystring: z.object(locationFields),
        response: { 200: z.object({ message: z.string(), secretImports: z.array(zSecretImport) }) },
      },
      config: authenticated,
    },
    async (request) => {
      const query = request.query;
      const secretImports = await secrets.imports.list({
        ...callContext(request),
        project: projectRefOf(query),
        environment: query.environment,
        path: query.path,
      });
      return { message: 'Successfully fetched secret imports', secretImports };
    },
  );

  app.delete(
    '/api/v1/secret-imports/:secretImportId',
    {
      schema: {
        tags,
        summary: 'Remove an import from a folder',
        params: z.object({ secretImportId: z.string() }),
        body: z.object(locationFields),
        response: { 200: zOneResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const secretImport = await secrets.imports.remove({
        ...callContext(request),
        project: projectRefOf(body),
        environment: body.environment,
        path: body.path,
        id: request.params.secretImportId,
      });
      return { message: 'Successfully deleted secret import', secretImport };
    },
  );
};
