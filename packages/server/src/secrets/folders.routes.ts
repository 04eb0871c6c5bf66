import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticated, callContext } from './route-context.js';
import { projectFields, projectRefOf } from './secrets.schemas.js';
import type { SecretsService } from './secrets.service.js';
import { zEnvironmentSlug, zFolderName, zQueryBoolean, zSecretPath } from './validation.js';

const zFolder = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  envId: z.string(),
  environment: z.string(),
  parentId: z.string().nullable(),
  path: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const zFolderResponse = z.object({ folder: zFolder });
const zDescription = z.string().max(1024).nullable().optional();
const tags = ['folders'];

/** Folders, Infisical's `/api/v1/folders`. `path` is the parent folder; the folder itself is `path` + `name`. */
export const foldersRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  app.post(
    '/api/v1/folders',
    {
      schema: {
        tags,
        summary: 'Create a folder (and any missing parent folders)',
        body: z.object({
          ...projectFields,
          environment: zEnvironmentSlug,
          name: zFolderName.describe('Letters, digits, dashes and underscores'),
          path: zSecretPath.describe('Parent folder path'),
          description: zDescription,
        }),
        response: { 200: zFolderResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const folder = await secrets.folders.create({
        ...callContext(request),
        project: projectRefOf(body),
        environment: body.environment,
        parentPath: body.path,
        name: body.name,
        ...(body.description !== undefined ? { description: body.description } : {}),
      });
      return { folder };
    },
  );

  app.get(
    '/api/v1/folders',
    {
      schema: {
        tags,
        summary: 'List the folders inside a folder',
        description: 'Only folders you may read are listed. An unknown environment or path gives an empty list.',
        querystring: z.object({
          ...projectFields,
          environment: zEnvironmentSlug,
          path: zSecretPath,
          recursive: zQueryBoolean.optional().describe('Every folder below path, not only direct children'),
        }),
        response: { 200: z.object({ folders: z.array(zFolder) }) },
      },
      config: authenticated,
    },
    async (request) => {
      const query = request.query;
      const folders = await secrets.folders.list({
        ...callContext(request),
        project: projectRefOf(query),
        environment: query.environment,
        path: query.path,
        recursive: query.recursive ?? false,
      });
      return { folders };
    },
  );

  app.patch(
    '/api/v1/folders/:folderId',
    {
      schema: {
        tags,
        summary: 'Rename a folder or change its description',
        description: 'Renaming moves everything below it; imports of the old path follow. Folders holding rotation-managed secrets cannot be renamed.',
        params: z.object({ folderId: z.string().describe('Folder id, or its name inside path') }),
        body: z.object({
          ...projectFields,
          environment: zEnvironmentSlug,
          name: zFolderName.optional(),
          path: zSecretPath.describe('Parent folder path (used when the folder is named, not given by id)'),
          description: zDescription,
        }),
        response: { 200: zFolderResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const folder = await secrets.folders.update({
        ...callContext(request),
        project: projectRefOf(body),
        environment: body.environment,
        idOrName: request.params.folderId,
        parentPath: body.path,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
      });
      return { folder };
    },
  );

  app.delete(
    '/api/v1/folders/:folderIdOrName',
    {
      schema: {
        tags,
        summary: 'Delete a folder',
        description: 'A folder with secrets or sub-folders is only deleted with "force": true, and never while it holds rotation-managed secrets.',
        params: z.object({ folderIdOrName: z.string() }),
        body: z.object({
          ...projectFields,
          environment: zEnvironmentSlug,
          path: zSecretPath.describe('Parent folder path (used when the folder is named, not given by id)'),
          force: z.boolean().optional().describe('Delete a non-empty folder with everything in it'),
        }),
        response: { 200: zFolderResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const folder = await secrets.folders.remove({
        ...callContext(request),
        project: projectRefOf(body),
        environment: body.environment,
        idOrName: request.params.folderIdOrName,
        parentPath: body.path,
        force: body.force ?? false,
      });
      return { folder };
    },
  );
};
