import type { Json, Timestamp } from '../db/column-types.js';

/** Append-only: a trigger refuses UPDATE and DELETE, and no code path issues them. */
export type AuditLogsTable = {
  id: string;
  org_id: string;
  project_id: string | null;
  actor_type: 'user' | 'identity' | 'system';
  actor_id: string;
  actor_metadata: Json<Record<string, unknown>>;
  event_type: string;
  resource_type: string | null;
  resource_id: string | null;
  metadata: Json<Record<string, unknown>>;
  ip_address: string | null;
  user_agent: string | null;
  created_at: Timestamp;
};

export type AuditTables = {
  audit_logs: AuditLogsTable;
};
