import {
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import type { Db } from './database.js';

/**
 * Tells in-process read caches when the data they hold may have changed, on every replica.
 *
 * Every table except the few listed in `unwatchedTables` carries a statement-level trigger that calls
 * `pg_notify('rekey_changes', <table>)`. PostgreSQL delivers the notification to every listening replica
 * when the writing transaction commits (and not at all if it rolls back). Each replica keeps one LISTEN
 * connection and bumps a generation number on every notification; cache entries remember the generation they
 * were loaded under and are used only while it is current. Writes made through this process's Kysely instance
 * also bump the generation at once (the Kysely plugin), so a caller reads its own write even before the
 * notification arrives. Whenever the LISTEN connection is not up, caching is off: `generation()` is null and
 * every read goes to the database, so a lost connection can make Rekey slower, never stale.
 */
export type ChangeFeed = {
  /** The current generation, or null when notifications are not flowing (then nothing may be cached). */
  generation(): number | null;
  /** Bumps the generation when this process writes a watched table. Pass to `createDatabase`. */
  plugin: KyselyPlugin;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export const changeChannel = 'rekey_changes';
const triggerName = 'rekey_change_notify';

/**
 * Tables whose rows no cached read depends on, and which change often (every read adds an audit row, the
 * rotation engine heartbeats its attempts): notifying on them would empty the caches for nothing. A new table
 * is watched unless it is added here.
 */
export const unwatchedTables = new Set([
  'audit_logs',
  'secret_versions',
  'secret_rotations',
  'secret_rotation_attempts',
  'secret_rotation_pending_revocations',
  'rotation_notices',
  'webhooks',
  'webhook_deliveries',
  'refresh_tokens',
  'identity_client_secrets',
  'instance_settings',
  'data_keys',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Creates the notify function and the trigger on every watched table that lacks it. Runs after migrations
 * on every start, so a table added by a later migration is covered without anyone remembering to.
 */
export async function installChangeTriggers(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Replicas starting together take turns; the later ones find nothing missing.
    await sql`select pg_advisory_xact_lock(hashtext(${triggerName}))`.execute(trx);
    const { rows } = await sql<{ table_name: string; has_trigger: boolean }>`
      select t.table_name, exists (
        select 1 from pg_trigger g
        join pg_class c on c.oid = g.tgrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = t.table_schema and c.relname = t.table_name and g.tgname = ${triggerName}
      ) as has_trigger
      from information_schema.tables t
      where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(trx);
    const missing = rows.filter((row) => !row.has_trigger && !unwatchedTables.has(row.table_name)).map((row) => row.table_name);
    if (missing.length === 0) return;
    await sql`create or replace function rekey_notify_change() returns trigger language plpgsql as $$
      begin perform pg_notify(${sql.lit(changeChannel)}, TG_TABLE_NAME); return null; end $$`.execute(trx);
    for (const table of missing) {
      await sql`create or replace trigger ${sql.id(triggerName)} after insert or update or delete or truncate on ${sql.id(table)}
        for each statement execute function rekey_notify_change()`.execute(trx);
    }
  });
}

function tableOf(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  const record = node as unknown as Record<string, unknown>;
  if (node.kind === 'TableNode') return ((record.table as { identifier?: { name?: string } }).identifier?.name) ?? undefined;
  if (node.kind === 'AliasNode') return tableOf(record.node as OperationNode);
  return undefined;
}

/** The table a write statement changes; undefined for reads. Unknown shapes count as a change to be safe. */
function writtenTables(node: RootOperationNode): string[] | undefined {
  const record = node as unknown as Record<string, unknown>;
  switch (node.kind) {
    case 'InsertQueryNode':
      return [tableOf(record.into as OperationNode) ?? '*'];
    case 'UpdateQueryNode':
      return [tableOf(record.table as OperationNode) ?? '*'];
    case 'DeleteQueryNode':
      return ((record.from as { froms?: OperationNode[] } | undefined)?.froms ?? []).map((from) => tableOf(from) ?? '*');
    case 'MergeQueryNode':
      return [tableOf(record.into as OperationNode) ?? '*'];
    default:
      return undefined;
  }
}

export function createChangeFeed(options: {
  connectionString: string;
  onError?: (error: unknown) => void;
  /** How long to wait before reconnecting a lost LISTEN connection. */
  reconnectDelayMs?: number;
  /** How often the LISTEN connection proves it is alive; caching stops after three missed beats. */
  heartbeatMs?: number;
}): ChangeFeed {
  const heartbeatMs = options.heartbeatMs ?? 1000;
  let generation = 0;
  let isListening = false;
  let confirmedAt = 0;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let client: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const writes = new WeakSet<object>();

  function bump(): void {
    generation += 1;
  }

  function scheduleReconnect(): void {
    if (isStopped || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch(lose);
    }, options.reconnectDelayMs ?? 1000);
    reconnectTimer.unref();
  }

  function lose(error: unknown): void {
    isListening = false;
    bump();
    const lost = client;
    client = undefined;
    lost?.end().catch(() => undefined);
    if (!isStopped) options.onError?.(error);
    scheduleReconnect();
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.connectionString });
    next.on('error', (error) => {
      if (client === next) lose(error);
    });
    next.on('end', () => {
      if (client === next) lose(new Error('change notification connection closed'));
    });
    next.on('notification', () => bump());
    try {
      await next.connect();
      await next.query(`listen ${changeChannel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (isStopped) {
      await next.end();
      return;
    }
    client = next;
    // Anything written while we were not listening is unknown: start a new generation.
    bump();
    isListening = true;
    confirmedAt = performance.now();
  }

  /**
   * A connection can die silently (a dropped route, no FIN): notifications would stop with nothing noticed.
   * A round trip every beat proves the connection is up and has delivered every notification sent before it
   * (PostgreSQL sends them ahead of the reply); without a recent proof, `generation()` turns caching off.
   */
  function beat(): void {
    const current = client;
    if (!current || !isListening) return;
    const timeout = setTimeout(() => {
      if (client === current) lose(new Error(`change notification connection did not answer within ${heartbeatMs * 2} ms`));
    }, heartbeatMs * 2);
    current.query('select 1').then(
      () => {
        clearTimeout(timeout);
        if (client === current) confirmedAt = performance.now();
      },
      (error: unknown) => {
        clearTimeout(timeout);
        if (client === current) lose(error);
      },
    );
  }

  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const tables = writtenTables(args.node);
      if (tables?.some((table) => !unwatchedTables.has(table))) {
        bump();
        writes.add(args.queryId);
      }
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      // Again once the statement has run: a read that started between the first bump and now saw old rows.
      if (writes.delete(args.queryId)) bump();
      return args.result;
    },
  };

  return {
    generation: () => (isListening && performance.now() - confirmedAt <= heartbeatMs * 3 ? generation : null),
    plugin,
    async start() {
      isStopped = false;
      await connect();
      heartbeatTimer = setInterval(beat, heartbeatMs);
      heartbeatTimer.unref();
    },
    async stop() {
      isStopped = true;
      isListening = false;
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
