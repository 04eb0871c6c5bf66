import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import type { EnvironmentsService } from './environments.service.js';
import {
  createEnvironmentBody,
  createProjectBody,
  environmentChangeResponse,
  environmentParams,
  environmentResponse,
  environmentsResponse,
  projectIdParams,
  projectResponse,
  updateEnvironmentBody,
  updateProjectBody,
  workspaceResponse,
  workspacesResponse,
} from './projects.schemas.js';
import type { ProjectsService } from './projects.service.js';

const tags = ['projects'];
const needs = (description: string) => ({ access: { authenticated: true, description } }) as const;

/** Projects ("workspaces" in Infisical's paths) and their environments. */
export const projectsRoutes: FastifyPluginAsyncZod<{ projects: ProjectsService; environments: EnvironmentsService }> = async (
  app,
  { projects, environments },
) => {
  app.post(
    '/api/v2/workspace',
    {
      schema: { tags, summary: 'Create a project with dev, staging and prod environments', body: createProjectBody, response: { 200: projectResponse } },
      config: needs('org projects:create'),
    },
    async (request) => ({ project: await projects.create(requireActor(request), request.body, requestOrigin(request)) }),
  );

  app.get(
    '/api/v1/workspace',
    { schema: { tags, summary: 'Projects you can see', response: { 200: workspacesResponse } }, config: needs('any member') },
    async (request) => ({ workspaces: await projects.list(requireActor(request)) }),
  );

  app.get(
    '/api/v1/workspace/:projectId',
    { schema: { tags, summary: 'Get a project', params: projectIdParams, response: { 200: workspaceResponse } }, config: needs('project project:read') },
    async (request) => ({ workspace: await projects.get(requireActor(request), request.params.projectId) }),
  );

  app.patch(
    '/api/v1/workspace/:projectId',
    {
      schema: { tags, summary: 'Rename a project or change its slug or description', params: projectIdParams, body: updateProjectBody, response: { 200: workspaceResponse } },
      config: needs('project project:edit'),
    },
    async (request) => ({
      workspace: await projects.update(requireActor(request), request.params.projectId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    '/api/v1/workspace/:projectId',
    { schema: { tags, summary: 'Delete a project and everything in it', params: projectIdParams, response: { 200: workspaceResponse } }, config: needs('project project:delete') },
    async (request) => ({ workspace: await projects.remove(requireActor(request), request.params.projectId, requestOrigin(request)) }),
  );

  app.get(
    '/api/v1/workspace/:projectId/environments',
    { schema: { tags, summary: "List a project's environments in order", params: projectIdParams, response: { 200: environmentsResponse } }, config: needs('project environments:read') },
    async (request) => ({ environments: await environments.list(requireActor(request), request.params.projectId) }),
  );

  app.get(
    '/api/v1/workspace/:projectId/environments/:environmentId',
    { schema: { tags, summary: 'Get an environment', params: environmentParams, response: { 200: environmentResponse } }, config: needs('project environments:read') },
    async (request) => ({ environment: await environments.get(requireActor(request), request.params.projectId, request.params.environmentId) }),
  );

  app.post(
    '/api/v1/workspace/:projectId/environments',
    {
      schema: { tags, summary: 'Create an environment', params: projectIdParams, body: createEnvironmentBody, response: { 200: environmentChangeResponse } },
      config: needs('project environments:create'),
    },
    async (request) => environments.create(requireActor(request), request.params.projectId, request.body, requestOrigin(request)),
  );

  app.patch(
    '/api/v1/workspace/:projectId/environments/:environmentId',
    {
      schema: { tags, summary: 'Rename or reorder an environment', params: environmentParams, body: updateEnvironmentBody, response: { 200: environmentChangeResponse } },
      config: needs('project environments:edit'),
    },
    async (request) =>
      environments.update(requireActor(request), request.params.projectId, request.params.environmentId, request.body, requestOrigin(request)),
  );

  app.delete(
    '/api/v1/workspace/:projectId/environments/:environmentId',
    {
      schema: { tags, summary: 'Delete an empty environment', params: environmentParams, response: { 200: environmentChangeResponse } },
      config: needs('project environments:delete'),
    },
    async (request) => environments.remove(requireActor(request), request.params.projectId, request.params.environmentId, requestOrigin(request)),
  );
};
