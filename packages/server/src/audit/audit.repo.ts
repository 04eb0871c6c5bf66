import type { Db } from '../db/database.js';
import type { AuditLogsQuery } from './audit.schemas.js';

/** Newest first, filtered and paginated; the only reads of the audit log. */
export function queryAuditLogs(db: Db, scope: { orgId: string; projectId?: string }, filters: AuditLogsQuery) {
  let query = db.selectFrom('audit_logs').selectAll().where('org_id', '=', scope.orgId);
  if (scope.projectId) query = query.where('project_id', '=', scope.projectId);
  if (filters.eventType) {
    const types = filters.eventType.split(',').map((type) => type.trim()).filter(Boolean);
    if (types.length > 0) query = query.where('event_type', 'in', types);
  }
  if (filters.actorType) query = query.where('actor_type', '=', filters.actorType);
  if (filters.actorId) query = query.where('actor_id', '=', filters.actorId);
  if (filters.startDate) query = query.where('created_at', '>=', new Date(filters.startDate));
  if (filters.endDate) query = query.where('created_at', '<=', new Date(filters.endDate));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').offset(filters.offset).limit(filters.limit).execute();
}
