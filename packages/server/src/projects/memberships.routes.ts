import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import {
  addUsersBody,
  identityMembershipParams,
  identityMembershipResponse,
  identityMembershipsResponse,
  membershipRolesBody,
  rolesResponse,
  userMembershipParams,
  userMembershipResponse,
  userMembershipsResponse,
} from './memberships.schemas.js';
import type { MembershipsService } from './memberships.service.js';
import { projectIdParams } from './projects.schemas.js';

const tags = ['project-memberships'];
const needs = (description: string) => ({ access: { authenticated: true, description } }) as const;
const identityPath = '/api/v2/workspace/:projectId/identity-memberships/:identityId';

/** Project memberships of machine identities and users, with Infisical's paths. */
export const membershipsRoutes: FastifyPluginAsyncZod<{ memberships: MembershipsService }> = async (app, { memberships }) => {
  app.post(
    identityPath,
    {
      schema: { tags, summary: 'Add a machine identity to the project with roles', params: identityMembershipParams, body: membershipRolesBody, response: { 200: identityMembershipResponse } },
      config: needs('project identities:create'),
    },
    async (request) => ({
      identityMembership: await memberships.addIdentity(requireActor(request), request.params.projectId, request.params.identityId, request.body, requestOrigin(request)),
    }),
  );

  app.get(
    '/api/v2/workspace/:projectId/identity-memberships',
    { schema: { tags, summary: "List the project's machine identities", params: projectIdParams, response: { 200: identityMembershipsResponse } }, config: needs('project identities:read') },
    async (request) => ({ identityMemberships: await memberships.listIdentities(requireActor(request), request.params.projectId) }),
  );

  app.get(
    identityPath,
    { schema: { tags, summary: "Get a machine identity's project membership", params: identityMembershipParams, response: { 200: identityMembershipResponse } }, config: needs('project identities:read') },
    async (request) => ({ identityMembership: await memberships.getIdentity(requireActor(request), request.params.projectId, request.params.identityId) }),
  );

  app.patch(
    identityPath,
    {
      schema: { tags, summary: "Replace a machine identity's project roles", params: identityMembershipParams, body: membershipRolesBody, response: { 200: rolesResponse } },
      config: needs('project identities:edit'),
    },
    async (request) => ({
      roles: await memberships.updateIdentity(requireActor(request), request.params.projectId, request.params.identityId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    identityPath,
    { schema: { tags, summary: 'Remove a machine identity from the project', params: identityMembershipParams, response: { 200: identityMembershipResponse } }, config: needs('project identities:delete') },
    async (request) => ({
      identityMembership: await memberships.removeIdentity(requireActor(request), request.params.projectId, request.params.identityId, requestOrigin(request)),
    }),
  );

  app.post(
    '/api/v2/workspace/:projectId/memberships',
    {
      schema: { tags, summary: 'Add organization members to the project by email', params: projectIdParams, body: addUsersBody, response: { 200: userMembershipsResponse } },
      config: needs('project members:create'),
    },
    async (request) => ({ memberships: await memberships.addUsers(requireActor(request), request.params.projectId, request.body, requestOrigin(request)) }),
  );

  app.get(
    '/api/v1/workspace/:projectId/memberships',
    { schema: { tags, summary: "List the project's users", params: projectIdParams, response: { 200: userMembershipsResponse } }, config: needs('project members:read') },
    async (request) => ({ memberships: await memberships.listUsers(requireActor(request), request.params.projectId) }),
  );

  app.patch(
    '/api/v1/workspace/:projectId/memberships/:membershipId',
    {
      schema: { tags, summary: "Replace a user's project roles", params: userMembershipParams, body: membershipRolesBody, response: { 200: rolesResponse } },
      config: needs('project members:edit'),
    },
    async (request) => ({
      roles: await memberships.updateUser(requireActor(request), request.params.projectId, request.params.membershipId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    '/api/v1/workspace/:projectId/memberships/:membershipId',
    { schema: { tags, summary: 'Remove a user from the project', params: userMembershipParams, response: { 200: userMembershipResponse } }, config: needs('project members:delete') },
    async (request) => ({
      membership: await memberships.removeUser(requireActor(request), request.params.projectId, request.params.membershipId, requestOrigin(request)),
    }),
  );
};
