import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { foldersRoutes } from './folders.routes.js';
import { importsRoutes } from './imports.routes.js';
import { cachedJsonBody, compiledSerializer } from './json-serializer.js';
import { authenticated, callContext } from './route-context.js';
import type { ListSecretsInput, ListSecretsResult } from './secrets.read.js';
import {
  fieldsOf,
  projectRefOf,
  zBatchCreateBody,
  zBatchDeleteBody,
  zBatchUpdateBody,
  zCreateSecretBody,
  zDeleteSecretBody,
  zGetSecretQuery,
  zListSecretsQuery,
  zListSecretsResponse,
  zSecretNameParams,
  zSecretResponse,
  zSecretsResponse,
  zUpdateSecretBody,
} from './secrets.schemas.js';
import type { SecretsService } from './secrets.service.js';
import { tagsRoutes } from './tags.routes.js';
import { versionsRoutes } from './versions.routes.js';

const tags = ['secrets'];

/** The secrets API, Infisical v3 "raw" paths, plus folders, imports, versions and tags. */
export const secretsRoutes: FastifyPluginAsyncZod<{ secrets: SecretsService }> = async (app, { secrets }) => {
  const listBody = cachedJsonBody(zListSecretsResponse);
  app.get(
    '/api/v3/secrets/raw',
    {
      schema: {
        tags,
        summary: 'List the secrets of a folder',
        description:
          'Shared secrets with your personal overrides applied. An unknown environment or path gives an empty list (as Infisical does).',
        querystring: zListSecretsQuery,
        response: { 200: zListSecretsResponse },
      },
      // The hottest route: serialise from the response schema without re-validating (json-serializer.ts).
      serializerCompiler: compiledSerializer,
      config: authenticated,
    },
    // Not async: a cached listing is answered without a promise; the first read of a listing waits for the database.
    (request, reply) => {
      const query = request.query;
      const tagSlugs = query.tagSlugs?.split(',').map((slug) => slug.trim()).filter(Boolean);
      const input: ListSecretsInput = {
        ...callContext(request),
        project: projectRefOf(query),
        environment: query.environment,
        secretPath: query.secretPath,
        recursive: query.recursive ?? false,
        includeImports: query.include_imports ?? false,
        expandReferences: query.expandSecretReferences ?? false,
        viewSecretValue: query.viewSecretValue ?? true,
      };
      if (tagSlugs && tagSlugs.length > 0) input.tagSlugs = tagSlugs;
      const send = (listing: ListSecretsResult) => {
        const body = listBody(listing);
        if (!body) return listing;
        // Already-encoded JSON of a cached listing. Fastify sends a returned Buffer as it is, without the
        // route's serializer; the type provider only knows the schema's type, hence the cast.
        reply.type('application/json; charset=utf-8');
        return body as unknown as ListSecretsResult;
      };
      const cached = secrets.listFromCache(input);
      return cached ? send(cached) : secrets.list(input).then(send);
    },
  );

  app.get(
    '/api/v3/secrets/raw/:secretName',
    {
      schema: { tags, summary: 'Read one secret', params: zSecretNameParams, querystring: zGetSecretQuery, response: { 200: zSecretResponse } },
      serializerCompiler: compiledSerializer,
      config: authenticated,
    },
    async (request) => {
      const query = request.query;
      const secret = await secrets.get({
        ...callContext(request),
        project: projectRefOf(query),
        environment: query.environment,
        secretPath: query.secretPath,
        key: request.params.secretName,
        ...(query.type ? { type: query.type } : {}),
        ...(query.version !== undefined ? { version: query.version } : {}),
        includeImports: query.includeImports ?? query.include_imports ?? false,
        expandReferences: query.expandSecretReferences ?? false,
        viewSecretValue: query.viewSecretValue ?? true,
      });
      return { secret };
    },
  );

  app.post(
    '/api/v3/secrets/raw/:secretName',
    {
      schema: { tags, summary: 'Create a secret', params: zSecretNameParams, body: zCreateSecretBody, response: { 200: zSecretResponse } },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      const item = { ...fieldsOf(body), key: request.params.secretName, value: body.secretValue, ...(body.type ? { type: body.type } : {}) };
      return { secret: await secrets.create(target, item) };
    },
  );

  app.patch(
    '/api/v3/secrets/raw/:secretName',
    {
      schema: { tags, summary: 'Update or rename a secret', params: zSecretNameParams, body: zUpdateSecretBody, response: { 200: zSecretResponse } },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      const item = {
        ...fieldsOf(body),
        key: request.params.secretName,
        ...(body.newSecretName ? { newKey: body.newSecretName } : {}),
        ...(body.type ? { type: body.type } : {}),
      };
      return { secret: await secrets.update(target, item) };
    },
  );

  app.delete(
    '/api/v3/secrets/raw/:secretName',
    {
      schema: {
        tags,
        summary: 'Delete a secret',
        description: 'Deleting a shared secret also deletes the personal overrides of it. The body is JSON (as the Infisical SDK sends it).',
        params: zSecretNameParams,
        body: zDeleteSecretBody,
        response: { 200: zSecretResponse },
      },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      return { secret: await secrets.remove(target, { key: request.params.secretName, ...(body.type ? { type: body.type } : {}) }) };
    },
  );

  app.post(
    '/api/v3/secrets/batch/raw',
    {
      schema: { tags, summary: 'Create several secrets at once (all or nothing)', body: zBatchCreateBody, response: { 200: zSecretsResponse } },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      const items = body.secrets.map((item) => ({
        ...fieldsOf(item),
        key: item.secretKey,
        value: item.secretValue,
        ...(item.type ? { type: item.type } : {}),
      }));
      return { secrets: await secrets.createMany(target, items) };
    },
  );

  app.patch(
    '/api/v3/secrets/batch/raw',
    {
      schema: { tags, summary: 'Update several secrets at once (all or nothing)', body: zBatchUpdateBody, response: { 200: zSecretsResponse } },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      const items = body.secrets.map((item) => ({
        ...fieldsOf(item),
        key: item.secretKey,
        ...(item.newSecretName ? { newKey: item.newSecretName } : {}),
        ...(item.type ? { type: item.type } : {}),
      }));
      return { secrets: await secrets.updateMany(target, items, body.mode ?? 'failOnNotFound') };
    },
  );

  app.delete(
    '/api/v3/secrets/batch/raw',
    {
      schema: { tags, summary: 'Delete several secrets at once (all or nothing)', body: zBatchDeleteBody, response: { 200: zSecretsResponse } },
      config: authenticated,
    },
    async (request) => {
      const body = request.body;
      const target = { ...callContext(request), project: projectRefOf(body), environment: body.environment, secretPath: body.secretPath };
      const items = body.secrets.map((item) => ({ key: item.secretKey, ...(item.type ? { type: item.type } : {}) }));
      return { secrets: await secrets.removeMany(target, items) };
    },
  );

  await app.register(versionsRoutes, { secrets });
  await app.register(foldersRoutes, { secrets });
  await app.register(importsRoutes, { secrets });
  await app.register(tagsRoutes, { secrets });
};
