import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import picomatch from 'picomatch';
import type { Keyring } from '../../crypto/keyring.js';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { NotificationsDb } from '../notifications.tables.js';
import { postWebhook } from './webhook-client.js';
import { signatureHeader } from './webhook-signature.js';
import { WebhookTargetError } from './webhook-target.js';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

export type DispatcherSettings = {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  allowPrivateTargets: boolean;
  /** How long a claimed delivery stays invisible to other workers while it is being sent. */
  leaseMs: number;
};

export type DispatcherDeps = {
  db: NotificationsDb;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  settings: DispatcherSettings;
  onOutcome?: (outcome: DeliveryOutcome) => void;
};

/** The event as webhooks see it: what it is about, for matching, and its JSON body. */
export type OutgoingEvent = {
  id: string;
  type: string;
  projectId: string;
  environmentId: string | null;
  secretPath: string;
  body: string;
};

type ClaimedDelivery = { id: string; webhook_id: string; event_type: string; payload: string; attempts: number };

const maxRetryDelayMs = 6 * 60 * 60_000;

export function webhookSecretAad(webhookId: string): string {
  return `webhook:${webhookId}:secret`;
}

export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(maxRetryDelayMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The durable webhook outbox. `enqueue` writes one delivery per matching webhook and sends them at once;
 * `deliverDue` (the background loop) sends what is due, so a failed or interrupted delivery is retried with
 * growing delays by whichever replica gets to it first (claims skip rows another worker holds).
 */
export function createWebhookDispatcher(deps: DispatcherDeps) {
  const inFlight = new Set<Promise<unknown>>();

  async function matchingWebhookIds(event: OutgoingEvent): Promise<string[]> {
    const candidates = await deps.db
      .selectFrom('webhooks')
      .select(['id', 'secret_path'])
      .where('project_id', '=', event.projectId)
      .where('is_disabled', '=', false)
      .where((eb) => (event.environmentId ? eb.or([eb('environment_id', 'is', null), eb('environment_id', '=', event.environmentId)]) : eb('environment_id', 'is', null)))
      .where(sql<boolean>`events @> ${JSON.stringify([event.type])}::jsonb`)
      .execute();
    return candidates.filter((row) => picomatch(row.secret_path, { dot: true })(event.secretPath)).map((row) => row.id);
  }

  /** Writes a delivery per matching webhook (or for `webhookId` only) and, unless told not to, sends them now. */
  async function enqueue(event: OutgoingEvent, options: { webhookId?: string; sendNow?: boolean } = {}): Promise<string[]> {
    const webhookIds = options.webhookId ? [options.webhookId] : await matchingWebhookIds(event);
    if (webhookIds.length === 0) return [];
    const now = deps.clock.now();
    const rows = webhookIds.map((webhookId) => ({
      id: deps.ids.uuid(),
      webhook_id: webhookId,
      event_id: event.id,
      event_type: event.type,
      payload: event.body,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    }));
    await deps.db.insertInto('webhook_deliveries').values(rows).execute();
    const ids = rows.map((row) => row.id);
    if (options.sendNow !== false) track(deliverClaimed(ids));
    return ids;
  }

  function track(work: Promise<unknown>): void {
    const guarded = work.catch((error: unknown) => deps.logger.error({ err: error }, 'webhook delivery failed unexpectedly'));
    inFlight.add(guarded);
    void guarded.finally(() => inFlight.delete(guarded));
  }

  async function claim(options: { ids?: string[]; limit: number }): Promise<ClaimedDelivery[]> {
    const now = deps.clock.now();
    const leaseUntil = new Date(now.getTime() + deps.settings.leaseMs);
    const idFilter = options.ids ? sql`and id in (${sql.join(options.ids)})` : sql``;
    const claimed = await sql<ClaimedDelivery>`
      update webhook_deliveries set next_attempt_at = ${leaseUntil}
      where id in (
        select id from webhook_deliveries
        where status = 'pending' and next_attempt_at <= ${now} ${idFilter}
        order by next_attempt_at limit ${options.limit}
        for update skip locked
      )
      returning id, webhook_id, event_type, payload, attempts`.execute(deps.db);
    return claimed.rows;
  }

  async function attempt(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    const webhook = await deps.db
      .selectFrom('webhooks')
      .select(['id', 'org_id', 'url', 'encrypted_secret', 'is_disabled'])
      .where('id', '=', delivery.webhook_id)
      .executeTakeFirst();
    const attempts = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    let isFinal = false;
    if (!webhook || webhook.is_disabled) {
      error = 'the webhook was disabled before this event could be delivered';
      isFinal = true;
    } else {
      const secret = await deps.keyring.decryptText(webhook.org_id, webhookSecretAad(webhook.id), webhook.encrypted_secret);
      const unixSeconds = Math.floor(deps.clock.now().getTime() / 1000);
      try {
        const response = await postWebhook(
          webhook.url,
          delivery.payload,
          {
            'x-rekey-event': delivery.event_type,
            'x-rekey-delivery': delivery.id,
            'x-rekey-signature': signatureHeader(secret, delivery.payload, unixSeconds),
          },
          { timeoutMs: deps.settings.timeoutMs, allowPrivateTargets: deps.settings.allowPrivateTargets },
        );
        status = response.status;
        if (status < 200 || status >= 300) error = `the receiver answered HTTP ${status}`;
      } catch (failure) {
        error = failure instanceof Error ? failure.message.slice(0, 512) : 'the delivery failed';
        // A refused target does not become allowed by waiting.
        isFinal = failure instanceof WebhookTargetError;
        if (isFinal) error = `refused: ${error}; loopback and private targets need REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true; link-local and metadata addresses are never allowed`;
      }
    }
    const now = deps.clock.now();
    const outcome: DeliveryOutcome = error === null ? 'delivered' : isFinal || attempts >= deps.settings.maxAttempts || delivery.event_type === 'webhook.test' ? 'failed' : 'retrying';
    await deps.db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome === 'retrying' ? 'pending' : outcome,
        attempts,
        response_status: status,
        last_error: error,
        next_attempt_at: outcome === 'retrying' ? new Date(now.getTime() + retryDelayMs(deps.settings.retryBaseMs, attempts)) : null,
        delivered_at: outcome === 'delivered' ? now : null,
        updated_at: now,
      })
      .where('id', '=', delivery.id)
      .execute();
    if (webhook) {
      await deps.db
        .updateTable('webhooks')
        .set({ last_status: outcome === 'retrying' ? 'pending' : outcome, last_error: error, last_attempt_at: now })
        .where('id', '=', webhook.id)
        .execute();
    }
    if (error) deps.logger.warn({ webhookId: delivery.webhook_id, deliveryId: delivery.id, attempts, outcome, msg: error }, 'webhook delivery did not succeed');
    deps.onOutcome?.(outcome);
    return outcome;
  }

  async function deliverClaimed(ids: string[]): Promise<void> {
    const claimed = await claim({ ids, limit: ids.length });
    await Promise.all(claimed.map((delivery) => attempt(delivery)));
  }

  return {
    enqueue,
    /** Sends one delivery now and returns its outcome (the "send test event" route). */
    async deliverNow(deliveryId: string): Promise<DeliveryOutcome | undefined> {
      const [claimed] = await claim({ ids: [deliveryId], limit: 1 });
      return claimed ? attempt(claimed) : undefined;
    },
    /** One pass of the background loop: sends up to `limit` due deliveries. */
    async deliverDue(limit = 50): Promise<number> {
      const claimed = await claim({ limit });
      await Promise.all(claimed.map((delivery) => attempt(delivery)));
      return claimed.length;
    },
    /** Forgets finished deliveries (delivered or failed) created before `before`; pending ones stay. */
    async pruneFinished(before: Date): Promise<number> {
      const result = await deps.db.deleteFrom('webhook_deliveries').where('status', '<>', 'pending').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    /** Waits for the deliveries started by `enqueue` (shutdown and tests). */
    async settle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
