import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { actorRef, type Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { AuditEvent, AuditLog, AuditTemplate, RequestOrigin } from './audit.types.js';

const batchSize = 500;
const flushIntervalMs = 1000;

export function actorMetadata(actor: Actor): Record<string, unknown> {
  if (actor.type === 'user') return { userId: actor.userId, email: actor.email };
  if (actor.type === 'identity') return { identityId: actor.identityId, name: actor.name };
  return { reason: actor.reason };
}

/** A queued read event, already in the shape of its row; `writeBatch` sends a whole queue as one JSON document. */
type QueuedRow = {
  id: string;
  org_id: string;
  project_id: string | null;
  actor_type: string;
  actor_id: string;
  actor_metadata: Record<string, unknown>;
  event_type: string;
  resource_type: string | null;
  resource_id: string | null;
  metadata: Record<string, unknown>;
  ip_address: string | null;
  user_agent: string | null;
  /** Milliseconds since the epoch: exact, and cheaper to write than an ISO string on every read. */
  created_at_ms: number;
};

// PostgreSQL's jsonb refuses \u0000 and unpaired surrogates, which JSON.stringify writes as escapes. (A JSON
// escaped backslash followed by "u0000" matches too; that only costs a needless second pass.)
const jsonbUnsafeEscape = /\\u(?:0000|d[89a-f])/i;

const nulOrUnpairedSurrogate = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function jsonbSafeString(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(nulOrUnpairedSurrogate, '\ufffd') : value;
}

/** JSON that PostgreSQL's jsonb accepts: the characters it refuses become U+FFFD (checked once per event or template). */
function jsonbJson(value: unknown): string {
  const json = JSON.stringify(value);
  return jsonbUnsafeEscape.test(json) ? JSON.stringify(value, jsonbSafeString) : json;
}

/**
 * The append-only audit log. `record` writes within the caller's transaction (the event commits with the
 * change it describes); `enqueue` batches read events and writes them every second or every 500 events.
 */
export function createAuditLog(deps: { db: Db; clock: Clock; ids: Ids; logger: FastifyBaseLogger }): AuditLog & {
  close(): Promise<void>;
} {
  // Each read event keeps the moment it happened; the batch is written later. Each is kept as its JSON text: one flat string per event while it waits, rather than a small graph
  // of objects for the garbage collector to copy at every young-generation collection under read load.
  let queue: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  // A client reads again and again from the same address with the same user agent: their JSON is remembered.
  let lastOrigin = { ip: '', userAgent: '', json: '"ip_address":"","user_agent":""' };

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

  function queuedRow(event: AuditEvent, createdAt: Date): QueuedRow {
    const ref = actorRef(event.actor);
    return {
      id: deps.ids.uuid(),
      org_id: event.orgId,
      project_id: event.projectId ?? null,
      actor_type: ref.type,
      actor_id: ref.id,
      actor_metadata: actorMetadata(event.actor),
      event_type: event.eventType,
      resource_type: event.resourceType ?? null,
      resource_id: event.resourceId ?? null,
      metadata: event.metadata ?? {},
      ip_address: event.origin?.ip ?? null,
      user_agent: event.origin?.userAgent ?? null,
      created_at_ms: createdAt.getTime(),
    };
  }

  /**
   * One statement with one parameter: the batch as a JSON array that PostgreSQL turns into rows. Encoding it
   * is one native JSON.stringify; the earlier array-per-column form spent more time escaping PostgreSQL array
   * literals in JavaScript than the rest of a cached read (bench/RESULTS.md).
   */
  async function writeBatch(rows: string[]): Promise<void> {
    if (rows.length === 0) return;
    const json = `[${rows.join(',')}]`;
    try {
      await sql`insert into audit_logs
          (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, resource_type, resource_id, metadata, ip_address, user_agent, created_at)
        select id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, resource_type, resource_id, metadata,
          ip_address, user_agent, timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
        from jsonb_to_recordset(${json}::jsonb) as r(
          id uuid, org_id uuid, project_id uuid, actor_type text, actor_id text, actor_metadata jsonb, event_type text,
          resource_type text, resource_id text, metadata jsonb, ip_address text, user_agent text, created_at_ms bigint
        )`.execute(deps.db);
    } catch (error) {
      deps.logger.error({ err: error, events: rows.length }, 'could not write queued audit events');
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const rows = queue;
    queue = [];
    // Chain so that concurrent flushes finish in order and `await flush()` covers earlier batches too.
    inFlight = inFlight.then(() => writeBatch(rows));
    return inFlight;
  }

  return {
    async record(event, trx?: Kysely<Database>) {
      await (trx ?? deps.db).insertInto('audit_logs').values(row(event, deps.clock.now())).execute();
    },
    enqueue(event) {
      push(jsonbJson(queuedRow(event, deps.clock.now())));
    },
    template(event) {
      const { id: _id, created_at_ms: _at, ip_address: _ip, user_agent: _agent, ...repeated } = queuedRow(event, deps.clock.now());
      // The object's JSON without its braces: enqueueFromTemplate adds the fields that differ per event.
      return jsonbJson(repeated).slice(1, -1) as AuditTemplate;
    },
    enqueueFromTemplate(template, origin) {
      // Ids and numbers need no JSON escaping.
      push(`{"id":"${deps.ids.uuid()}","created_at_ms":${deps.clock.now().getTime()},${originJson(origin)},${template}}`);
    },
    flush,
    close: flush,
  };

  function originJson(origin: RequestOrigin | undefined): string {
    const ip = origin?.ip ?? null;
    const userAgent = origin?.userAgent ?? null;
    if (ip === lastOrigin.ip && userAgent === lastOrigin.userAgent) return lastOrigin.json;
    const json = jsonbJson({ ip_address: ip, user_agent: userAgent }).slice(1, -1);
    if (ip !== null && userAgent !== null) lastOrigin = { ip, userAgent, json };
    return json;
  }

  function push(json: string): void {
    queue.push(json);
    if (queue.length >= batchSize) {
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => void flush(), flushIntervalMs);
      timer.unref();
    }
  }
}
