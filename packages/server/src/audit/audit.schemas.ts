import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { AuditLogsTable } from './audit.tables.js';

export const auditLogsQuery = z.object({
  eventType: z.string().trim().min(1).max(500).optional().describe('One event type, or several separated by commas'),
  actorType: z.enum(['user', 'identity', 'system']).optional(),
  actorId: z.string().trim().min(1).max(200).optional(),
  startDate: z.iso.datetime({ offset: true }).optional(),
  endDate: z.iso.datetime({ offset: true }).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type AuditLogsQuery = z.infer<typeof auditLogsQuery>;

export const auditLogSchema = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  projectId: z.uuid().nullable(),
  actor: z.object({ type: z.enum(['user', 'identity', 'system']), metadata: z.record(z.string(), z.unknown()) }),
  event: z.object({ type: z.string(), metadata: z.record(z.string(), z.unknown()) }),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
});

export function toAuditLogDto(row: Selectable<AuditLogsTable>): z.infer<typeof auditLogSchema> {
  return {
    id: row.id,
    orgId: row.org_id,
    projectId: row.project_id,
    actor: { type: row.actor_type, metadata: row.actor_metadata },
    event: { type: row.event_type, metadata: row.metadata },
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    createdAt: row.created_at.toISOString(),
  };
}

export const auditLogsResponse = z.object({ auditLogs: z.array(auditLogSchema) });
