import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { actorRef, type Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { type AuditBatch, createAuditBatch, jsonbJson } from './audit-batch.js';
import type { AuditEvent, AuditLog, AuditTemplate, RequestOrigin } from './audit.types.js';

const batchSize = 500;
const flushIntervalMs = 1000;

export function actorMetadata(actor: Actor): Record<string, unknown> {
  if (actor.type === 'user') return { userId: actor.userId, email: actor.email };
  if (actor.type === 'identity') return { identityId: actor.identityId, name: actor.name };
  return { reason: actor.reason };
}

/**
 * The append-only audit log. `record` writes within the caller's transaction (the event commits with the
 * change it describes); `enqueue` batches read events and writes them every second or every 500 events
 * (identical reads from one origin share an event, which lists each read's time: audit-batch.ts).
 */
export function createAuditLog(deps: { db: Db; clock: Clock; ids: Ids; logger: FastifyBaseLogger }): AuditLog & {
  close(): Promise<void>;
} {
  // Each read keeps the moment it happened; the batch is written later.
  let queue = createAuditBatch();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  /** Everything about an event but its id, time and origin: the part a queued read's template holds. */
  function repeatedFields(event: Omit<AuditEvent, 'origin'>) {
    const ref = actorRef(event.actor);
    return {
      org_id: event.orgId,
      project_id: event.projectId ?? null,
      actor_type: ref.type,
      actor_id: ref.id,
      actor_metadata: actorMetadata(event.actor),
      event_type: event.eventType,
      resource_type: event.resourceType ?? null,
      resource_id: event.resourceId ?? null,
      metadata: event.metadata ?? {},
    };
  }

  function row(event: AuditEvent, createdAt: Date) {
    const fields = repeatedFields(event);
    return {
      id: deps.ids.uuid(),
      ...fields,
      actor_metadata: jsonbJson(fields.actor_metadata),
      metadata: jsonbJson(fields.metadata),
      ip_address: event.origin?.ip ?? null,
      user_agent: event.origin?.userAgent ?? null,
      created_at: createdAt,
    };
  }

  /** The JSON object `writeBatch` reads for each queued event's repeated parts. */
  function templateOf(event: Omit<AuditEvent, 'origin'>): AuditTemplate {
    return jsonbJson(repeatedFields(event)) as AuditTemplate;
  }

  /**
   * One statement: arrays with a value per event, and the batch's distinct templates and origins. An event
   * that stands for several reads gets `reads` and `readOffsetsMs` in its metadata (audit-batch.ts).
   */
  async function writeBatch(batch: AuditBatch): Promise<void> {
    if (batch.size === 0) return;
    const p = batch.parameters(deps.ids.uuid);
    try {
      await sql`insert into audit_logs
          (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
        select e.id, (t ->> 'org_id')::uuid, (t ->> 'project_id')::uuid, t ->> 'actor_type', t ->> 'actor_id', t -> 'actor_metadata',
          t ->> 'event_type', t ->> 'resource_type', t ->> 'resource_id',
          case when jsonb_array_length(reads) > 1
            then (t -> 'metadata') || jsonb_build_object('reads', jsonb_array_length(reads), 'readOffsetsMs', reads)
            else t -> 'metadata' end,
          o ->> 0, o ->> 1, timestamptz 'epoch' + e.at_ms * interval '1 millisecond'
        from unnest(${p.ids}::uuid[], ${p.times}::bigint[], ${p.templates}::int[], ${p.origins}::int[]) with ordinality as e(id, at_ms, template, origin, n)
          cross join lateral (
            select ${p.templateJson}::jsonb -> e.template as t, ${p.originJson}::jsonb -> e.origin as o, ${p.offsets}::jsonb -> (e.n::int - 1) as reads
          ) as parts`.execute(deps.db);
    } catch (error) {
      deps.logger.error({ err: error, events: batch.size }, 'could not write queued audit events');
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = queue;
    queue = createAuditBatch();
    // Chain so that concurrent flushes finish in order and `await flush()` covers earlier batches too.
    inFlight = inFlight.then(() => writeBatch(batch));
    return inFlight;
  }

  function enqueueFromTemplate(template: AuditTemplate, origin: RequestOrigin | undefined): void {
    queue.add(deps.clock.now().getTime(), template, origin);
    if (queue.size >= batchSize) {
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => void flush(), flushIntervalMs);
      timer.unref();
    }
  }

  return {
    async record(event, trx?: Kysely<Database>) {
      await (trx ?? deps.db).insertInto('audit_logs').values(row(event, deps.clock.now())).execute();
    },
    enqueue: (event) => enqueueFromTemplate(templateOf(event), event.origin),
    template: templateOf,
    enqueueFromTemplate,
    flush,
    close: flush,
  };
}
