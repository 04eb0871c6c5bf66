import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import { rotationProviders } from './engine/registry.js';
import {
  generatedCredentialsResponseSchema,
  rotationBaseCreateSchema,
  rotationBaseUpdateSchema,
  rotationResponseSchema,
  secretPathSchema,
  uuidSchema,
} from './secret-rotations.schemas.js';
import type { SecretRotationsService } from './secret-rotations.service.js';

const authenticated = { access: { authenticated: true } } as const;
const tags = ['secret-rotations'];
const booleanQuery = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

/** `/api/v2/secret-rotations`: options and the list of every type. */
export const secretRotationsRoutes: FastifyPluginAsyncZod<{ service: SecretRotationsService }> = async (app, { service }) => {
  app.get(
    '/api/v2/secret-rotations/options',
    {
      schema: {
        tags,
        summary: 'Rotation types Rekey supports, with their default secret mappings',
        response: {
          200: z.object({
            secretRotationOptions: z.array(z.object({ name: z.string(), type: z.string(), connection: z.string(), template: z.object({ secretsMapping: z.record(z.string(), z.string()) }) })),
          }),
        },
      },
      config: authenticated,
    },
    async (request) => {
      requireActor(request);
      const secretRotationOptions = Object.values(rotationProviders)
        .map((provider) => ({ name: provider.name, type: provider.type, connection: provider.connectionApp, template: { secretsMapping: { ...provider.mappingTemplate } } }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { secretRotationOptions };
    },
  );

  app.get(
    '/api/v2/secret-rotations',
    {
      schema: { tags, summary: 'List the secret rotations of a project (all types)', querystring: z.object({ projectId: uuidSchema }), response: { 200: z.object({ secretRotations: z.array(rotationResponseSchema) }) } },
      config: authenticated,
    },
    async (request) => ({ secretRotations: await service.list(requireActor(request), request.query.projectId) }),
  );

  for (const provider of Object.values(rotationProviders)) {
    await app.register(providerRoutes, { service, type: provider.type, parameters: provider.parametersSchema, mapping: provider.mappingSchema, name: provider.name });
  }
};

type ProviderRouteOptions = {
  service: SecretRotationsService;
  type: string;
  name: string;
  parameters: z.ZodType<Record<string, unknown>>;
  mapping: z.ZodType<Record<string, string>>;
};

/** The Infisical-compatible routes of one rotation type, `/api/v2/secret-rotations/<type>`. */
const providerRoutes: FastifyPluginAsyncZod<ProviderRouteOptions> = async (app, { service, type, name, parameters, mapping }) => {
  const base = `/api/v2/secret-rotations/${type}`;
  const one = z.object({ secretRotation: rotationResponseSchema });
  const params = z.object({ rotationId: uuidSchema });

  app.get(base, { schema: { tags, summary: `List ${name} rotations of a project`, querystring: z.object({ projectId: uuidSchema }), response: { 200: z.object({ secretRotations: z.array(rotationResponseSchema) }) } }, config: authenticated }, async (request) => ({
    secretRotations: await service.list(requireActor(request), request.query.projectId, type),
  }));

  app.get(`${base}/:rotationId`, { schema: { tags, summary: `Get a ${name} rotation`, params, response: { 200: one } }, config: authenticated }, async (request) => ({
    secretRotation: await service.get(requireActor(request), request.params.rotationId, type),
  }));

  app.get(
    `${base}/rotation-name/:rotationName`,
    {
      schema: {
        tags,
        summary: `Get a ${name} rotation by name within an environment and folder`,
        params: z.object({ rotationName: z.string().min(1).max(64) }),
        querystring: z.object({ projectId: uuidSchema, environment: z.string().min(1).max(64), secretPath: secretPathSchema }),
        response: { 200: one },
      },
      config: authenticated,
    },
    async (request) => ({
      secretRotation: await service.getByName(requireActor(request), { type, name: request.params.rotationName, ...request.query }),
    }),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: `Create a ${name} rotation: issues the first credential and publishes it to the mapped secrets`,
        body: rotationBaseCreateSchema.extend({ parameters, secretsMapping: mapping }),
        response: { 200: one },
      },
      config: authenticated,
    },
    async (request) => ({
      secretRotation: await service.create(requireActor(request), { ...request.body, type }, requestOrigin(request)),
    }),
  );

  app.patch(
    `${base}/:rotationId`,
    { schema: { tags, summary: `Update a ${name} rotation's name, description or schedule`, params, body: rotationBaseUpdateSchema.strict(), response: { 200: one } }, config: authenticated },
    async (request) => ({
      secretRotation: await service.update(requireActor(request), request.params.rotationId, type, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    `${base}/:rotationId`,
    {
      schema: {
        tags,
        summary: `Delete a ${name} rotation, optionally revoking its credentials and deleting its secrets`,
        params,
        querystring: z.object({ deleteSecrets: booleanQuery, revokeGeneratedCredentials: booleanQuery }),
        response: { 200: one },
      },
      config: authenticated,
    },
    async (request) => ({
      secretRotation: await service.remove(requireActor(request), request.params.rotationId, type, request.query, requestOrigin(request)),
    }),
  );

  app.post(
    `${base}/:rotationId/rotate-secrets`,
    { schema: { tags, summary: `Rotate now: issue, verify and publish a new credential`, params, response: { 200: one } }, config: authenticated },
    async (request) => ({
      secretRotation: await service.rotateNow(requireActor(request), request.params.rotationId, type, requestOrigin(request)),
    }),
  );

  app.get(
    `${base}/:rotationId/generated-credentials`,
    { schema: { tags, summary: 'The current and retired credentials (requires read-generated-credentials)', params, response: { 200: generatedCredentialsResponseSchema } }, config: authenticated },
    async (request) => service.generatedCredentials(requireActor(request), request.params.rotationId, type),
  );

  app.post(
    `${base}/:rotationId/check-credentials`,
    { schema: { tags, summary: 'Check that the active credential obtains a token now', params, response: { 200: z.object({ success: z.boolean(), message: z.string() }) } }, config: authenticated },
    async (request) => service.checkCredentials(requireActor(request), request.params.rotationId, type),
  );
};
