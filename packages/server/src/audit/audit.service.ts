import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { actorRef, type Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { AuditEvent, AuditLog } from './audit.types.js';

const batchSize = 500;
const flushIntervalMs = 1000;

export function actorMetadata(actor: Actor): Record<string, unknown> {
  if (actor.type === 'user') return { userId: actor.userId, email: actor.email };
  if (actor.type === 'identity') return { identityId: actor.identityId, name: actor.name };
  return { reason: actor.reason };
}

/**
 * The append-only audit log. `record` writes within the caller's transaction (the event commits with the
 * change it describes); `enqueue` batches read events and writes them every second or every 100 events.
 */
export function createAuditLog(deps: { db: Db; clock: Clock; ids: Ids; logger: FastifyBaseLogger }): AuditLog & {
  close(): Promise<void>;
} {
  // Each read event keeps the moment it happened; the batch is written later.
  let queue: { event: AuditEvent; at: Date }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  function row(event: AuditEvent, createdAt: Date) {
    const ref = actorRef(event.actor);
    return {
      id: deps.ids.uuid(),
      org_id: event.orgId,
      project_id: event.projectId ?? null,
      actor_type: ref.type,
      actor_id: ref.id,
      actor_metadata: JSON.stringify(actorMetadata(event.actor)),
      event_type: event.eventType,
      resource_type: event.resourceType ?? null,
      resource_id: event.resourceId ?? null,
      metadata: JSON.stringify(event.metadata ?? {}),
      ip_address: event.origin?.ip ?? null,
      user_agent: event.origin?.userAgent ?? null,
      created_at: createdAt,
    };
  }

  /**
   * One statement with one array parameter per column (`unnest`): a batch of read events costs a few
   * parameters to send instead of thirteen per row to compile and bind, which kept the event loop busy for
   * milliseconds per batch under read load.
   */
  async function writeBatch(events: { event: AuditEvent; at: Date }[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ event, at }) => row(event, at));
    const column = <K extends keyof ReturnType<typeof row>>(key: K) => rows.map((r) => r[key]);
    try {
      await sql`insert into audit_logs
          (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
        select * from unnest(
          ${column('id')}::uuid[], ${column('org_id')}::uuid[], ${column('project_id')}::uuid[], ${column('actor_type')}::text[],
          ${column('actor_id')}::text[], ${column('actor_metadata')}::jsonb[], ${column('event_type')}::text[],
          ${column('resource_type')}::text[], ${column('resource_id')}::text[], ${column('metadata')}::jsonb[],
          ${column('ip_address')}::text[], ${column('user_agent')}::text[], ${column('created_at')}::timestamptz[]
        )`.execute(deps.db);
    } catch (error) {
      deps.logger.error({ err: error, events: events.length }, 'could not write queued audit events');
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const events = queue;
    queue = [];
    // Chain so that concurrent flushes finish in order and `await flush()` covers earlier batches too.
    inFlight = inFlight.then(() => writeBatch(events));
    return inFlight;
  }

  return {
    async record(event, trx?: Kysely<Database>) {
      await (trx ?? deps.db).insertInto('audit_logs').values(row(event, deps.clock.now())).execute();
    },
    enqueue(event) {
      queue.push({ event, at: deps.clock.now() });
      if (queue.length >= batchSize) {
        void flush();
      } else if (!timer) {
        timer = setTimeout(() => void flush(), flushIntervalMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
