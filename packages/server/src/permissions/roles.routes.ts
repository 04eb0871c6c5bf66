import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import { projectIdParams } from '../projects/projects.schemas.js';
import { createRoleBody, roleParams, roleResponse, roleSlugParams, rolesListResponse, updateRoleBody } from './roles.schemas.js';
import type { RolesService } from './roles.service.js';

const tags = ['project-roles'];
const base = '/api/v1/workspace/:projectId/roles';
const needs = (description: string) => ({ access: { authenticated: true, description } }) as const;

export const rolesRoutes: FastifyPluginAsyncZod<{ roles: RolesService }> = async (app, { roles }) => {
  app.post(
    base,
    { schema: { tags, summary: 'Create a custom project role', params: projectIdParams, body: createRoleBody, response: { 200: roleResponse } }, config: needs('project roles:create') },
    async (request) => ({ role: await roles.create(requireActor(request), request.params.projectId, request.body, requestOrigin(request)) }),
  );

  app.get(
    base,
    { schema: { tags, summary: 'List built-in and custom project roles', params: projectIdParams, response: { 200: rolesListResponse } }, config: needs('project roles:read') },
    async (request) => ({ roles: await roles.list(requireActor(request), request.params.projectId) }),
  );

  app.get(
    `${base}/slug/:roleSlug`,
    { schema: { tags, summary: 'Get a role by slug (built-in or custom)', params: roleSlugParams, response: { 200: roleResponse } }, config: needs('project roles:read') },
    async (request) => ({ role: await roles.getBySlug(requireActor(request), request.params.projectId, request.params.roleSlug) }),
  );

  app.get(
    `${base}/:roleId`,
    { schema: { tags, summary: 'Get a custom role', params: roleParams, response: { 200: roleResponse } }, config: needs('project roles:read') },
    async (request) => ({ role: await roles.get(requireActor(request), request.params.projectId, request.params.roleId) }),
  );

  app.patch(
    `${base}/:roleId`,
    { schema: { tags, summary: 'Update a custom role', params: roleParams, body: updateRoleBody, response: { 200: roleResponse } }, config: needs('project roles:edit') },
    async (request) => ({
      role: await roles.update(requireActor(request), request.params.projectId, request.params.roleId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    `${base}/:roleId`,
    { schema: { tags, summary: 'Delete a custom role that nobody holds', params: roleParams, response: { 200: roleResponse } }, config: needs('project roles:delete') },
    async (request) => ({ role: await roles.remove(requireActor(request), request.params.projectId, request.params.roleId, requestOrigin(request)) }),
  );
};
