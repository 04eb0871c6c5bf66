import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/schema.js';

/** Where a request came from, recorded with every event it causes. */
export type RequestOrigin = { ip: string | null; userAgent: string | null };

export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
}

/**
 * One audit event. Metadata names things (ids, keys, paths, counts) and never carries a secret value,
 * a password, a token or a credential.
 */
export type AuditEvent = {
  actor: Actor;
  orgId: string;
  projectId?: string | null;
  /** Infisical-style kebab-case event type, e.g. `create-secret`, `get-secrets`, `secret-rotation-rotate-secrets`. */
  eventType: string;
  resourceType?: string | null;
  resourceId?: string | null;
  metadata?: Record<string, unknown>;
  origin?: RequestOrigin;
};

/** An event's repeated parts, encoded by `AuditLog.template`. */
export type AuditTemplate = string & { readonly __brand: 'AuditTemplate' };

export type AuditLog = {
  /** Writes the event now; pass the transaction so the event commits (or rolls back) with the change. */
  record(event: AuditEvent, trx?: Kysely<Database>): Promise<void>;
  /** Queues a read event; queued events are written in batches so auditing stays off the read path. */
  enqueue(event: AuditEvent): void;
  /**
   * Encodes the parts of an event that repeat from read to read (who, what, where; not its time or origin)
   * once, for a hot read path to queue the same event many times with `enqueueFromTemplate`.
   */
  template(event: Omit<AuditEvent, 'origin'>): AuditTemplate;
  /** Queues the template's event, with its own id, the current time and this origin. */
  enqueueFromTemplate(template: AuditTemplate, origin: RequestOrigin | undefined): void;
  /** Writes everything queued (called on shutdown and by tests). */
  flush(): Promise<void>;
};
