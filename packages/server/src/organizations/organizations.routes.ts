import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import { setRefreshCookie } from '../auth/session-cookie.js';
import type { InvitationsService } from './invitations.service.js';
import {
  acceptInvitationBody,
  acceptInvitationResponse,
  createOrganizationBody,
  inviteBody,
  inviteResponse,
  membersResponse,
  membershipParams,
  membershipResponse,
  organizationIdParams,
  organizationResponse,
  organizationsResponse,
  updateMembershipBody,
  updateOrganizationBody,
  verifyInvitationBody,
  verifyInvitationResponse,
} from './organizations.schemas.js';
import type { OrganizationsService } from './organizations.service.js';

const tags = ['organizations'];
const authenticated = { access: { authenticated: true } } as const;

export const organizationsRoutes: FastifyPluginAsyncZod<{
  organizations: OrganizationsService;
  invitations: InvitationsService;
  publicUrl: string | undefined;
}> = async (app, { organizations, invitations, publicUrl }) => {
  app.get(
    '/api/v1/organization',
    { schema: { tags, summary: 'Organizations you belong to', response: { 200: organizationsResponse } }, config: authenticated },
    async (request) => ({ organizations: await organizations.listMine(requireActor(request)) }),
  );

  app.post(
    '/api/v2/organizations',
    {
      schema: { tags, summary: 'Create an organization (you become its admin)', body: createOrganizationBody, response: { 200: organizationResponse } },
      config: { access: { authenticated: true, description: 'users only' } },
    },
    async (request) => ({ organization: await organizations.create(requireActor(request), request.body, requestOrigin(request)) }),
  );

  app.get(
    '/api/v1/organization/:organizationId',
    { schema: { tags, summary: 'Get your current organization', params: organizationIdParams, response: { 200: organizationResponse } }, config: authenticated },
    async (request) => ({ organization: await organizations.get(requireActor(request), request.params.organizationId) }),
  );

  app.patch(
    '/api/v1/organization/:organizationId',
    {
      schema: { tags, summary: 'Rename the organization or change its slug', params: organizationIdParams, body: updateOrganizationBody, response: { 200: organizationResponse } },
      config: { access: { authenticated: true, description: 'org settings:edit' } },
    },
    async (request) => ({
      organization: await organizations.update(requireActor(request), request.params.organizationId, request.body, requestOrigin(request)),
    }),
  );

  app.get(
    '/api/v2/organizations/:organizationId/memberships',
    {
      schema: { tags, summary: 'List members (including pending invitations)', params: organizationIdParams, response: { 200: membersResponse } },
      config: { access: { authenticated: true, description: 'org members:read' } },
    },
    async (request) => ({ users: await organizations.listMembers(requireActor(request), request.params.organizationId) }),
  );

  app.patch(
    '/api/v2/organizations/:organizationId/memberships/:membershipId',
    {
      schema: { tags, summary: "Change a member's organization role", params: membershipParams, body: updateMembershipBody, response: { 200: membershipResponse } },
      config: { access: { authenticated: true, description: 'org members:edit' } },
    },
    async (request) => ({
      membership: await organizations.updateMember(
        requireActor(request),
        request.params.organizationId,
        request.params.membershipId,
        request.body.role,
        requestOrigin(request),
      ),
    }),
  );

  app.delete(
    '/api/v2/organizations/:organizationId/memberships/:membershipId',
    {
      schema: { tags, summary: 'Remove a member from the organization', params: membershipParams, response: { 200: membershipResponse } },
      config: { access: { authenticated: true, description: 'org members:delete' } },
    },
    async (request) => ({
      membership: await organizations.removeMember(requireActor(request), request.params.organizationId, request.params.membershipId, requestOrigin(request)),
    }),
  );

  app.post(
    '/api/v1/invite-org/signup',
    {
      schema: { tags, summary: 'Invite users by email; returns one-time invitation links', body: inviteBody, response: { 200: inviteResponse } },
      config: { access: { authenticated: true, description: 'org members:create' } },
    },
    async (request) => invitations.invite(requireActor(request), request.body, requestOrigin(request)),
  );

  app.post(
    '/api/v1/invite-org/verify',
    {
      schema: { tags, summary: 'Check an invitation link before accepting it', security: [], body: verifyInvitationBody, response: { 200: verifyInvitationResponse } },
      config: { access: { public: true } },
    },
    async (request) => ({ invitation: await invitations.verify(request.body, requestOrigin(request)) }),
  );

  app.post(
    '/api/v1/invite-org/accept',
    {
      schema: { tags, summary: 'Accept an invitation: set your password and sign in', security: [], body: acceptInvitationBody, response: { 200: acceptInvitationResponse } },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      const result = await invitations.accept(request.body, requestOrigin(request));
      setRefreshCookie(reply, result.refreshToken, result.refreshExpiresAt, publicUrl);
      return {
        accessToken: result.accessToken,
        expiresIn: result.expiresIn,
        tokenType: 'Bearer' as const,
        organizationId: result.organization.id,
        user: result.user,
        organization: result.organization,
      };
    },
  );
};
