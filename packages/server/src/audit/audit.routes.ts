import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { badRequest } from '../http/errors.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { projectIdParams } from '../projects/projects.schemas.js';
import { queryAuditLogs } from './audit.repo.js';
import { type AuditLogsQuery, auditLogsQuery, auditLogsResponse, toAuditLogDto } from './audit.schemas.js';

const tags = ['audit-logs'];

function checkRange(filters: AuditLogsQuery): void {
  if (filters.startDate && filters.endDate && new Date(filters.startDate) > new Date(filters.endDate)) {
    throw badRequest('startDate must not be after endDate', [{ path: 'querystring.startDate', message: 'is after endDate' }]);
  }
}

export const auditRoutes: FastifyPluginAsyncZod<{ db: Db; permissions: PermissionService }> = async (app, { db, permissions }) => {
  app.get(
    '/api/v1/workspace/:projectId/audit-logs',
    {
      schema: { tags, summary: "A project's audit log, newest first", params: projectIdParams, querystring: auditLogsQuery, response: { 200: auditLogsResponse } },
      config: { access: { authenticated: true, description: 'project audit-logs:read' } },
    },
    async (request) => {
      const access = await permissions.forProject(requireActor(request), request.params.projectId);
      access.assert('audit-logs', 'read');
      checkRange(request.query);
      const rows = await queryAuditLogs(db, { orgId: access.orgId, projectId: access.projectId }, request.query);
      return { auditLogs: rows.map(toAuditLogDto) };
    },
  );

  app.get(
    '/api/v1/organization/audit-logs',
    {
      schema: { tags, summary: "The organization's audit log (all projects), newest first", querystring: auditLogsQuery, response: { 200: auditLogsResponse } },
      config: { access: { authenticated: true, description: 'org audit-logs:read' } },
    },
    async (request) => {
      const actor = requireActor(request);
      permissions.forOrg(actor).assert('audit-logs', 'read');
      checkRange(request.query);
      const rows = await queryAuditLogs(db, { orgId: actor.orgId }, request.query);
      return { auditLogs: rows.map(toAuditLogDto) };
    },
  );
};
