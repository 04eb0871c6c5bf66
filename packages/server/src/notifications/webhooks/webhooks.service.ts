import type { Selectable } from 'kysely';
import type { AuditLog, RequestOrigin } from '../../audit/audit.types.js';
import { type Actor, actorRef } from '../../auth/actor.js';
import type { Keyring } from '../../crypto/keyring.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { PermissionAction, PermissionService, ProjectAccess } from '../../permissions/permissions.types.js';
import { testEventType } from '../lifecycle-events.js';
import type { NotificationsDb, WebhookDeliveriesTable, WebhooksTable } from '../notifications.tables.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import { webhookSecretAad } from './webhook-dispatcher.js';
import { assertResolvesPublic, WebhookTargetError } from './webhook-target.js';
import type { CreateWebhookInput, DeliveryResponse, UpdateWebhookInput, WebhookResponse } from './webhooks.schemas.js';

export type WebhooksServiceDeps = {
  db: NotificationsDb;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  permissions: PermissionService;
  dispatcher: WebhookDispatcher;
  allowPrivateTargets: boolean;
};

type Environment = { id: string; slug: string; name: string };
type WebhookRow = Selectable<WebhooksTable> & { env_slug: string | null; env_name: string | null };

const iso = (value: Date | null) => (value ? value.toISOString() : null);

function toWebhookResponse(row: WebhookRow): WebhookResponse {
  return {
    id: row.id,
    projectId: row.project_id,
    environment: row.environment_id && row.env_slug && row.env_name ? { id: row.environment_id, slug: row.env_slug, name: row.env_name } : null,
    secretPath: row.secret_path,
    url: row.url,
    events: row.events,
    isDisabled: row.is_disabled,
    lastStatus: row.last_status,
    lastRunErrorMessage: row.last_error,
    lastAttemptAt: iso(row.last_attempt_at),
    createdBy: { type: row.created_by_type, id: row.created_by_id },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDeliveryResponse(row: Selectable<WebhookDeliveriesTable>): DeliveryResponse {
  let payload: unknown = null;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = null;
  }
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.response_status,
    error: row.last_error,
    nextAttemptAt: iso(row.next_attempt_at),
    deliveredAt: iso(row.delivered_at),
    createdAt: row.created_at.toISOString(),
    payload,
  };
}

/** Project webhooks: CRUD with permission checks and audit, the delivery log, and test events. */
export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { db } = deps;

  function selectWebhooks() {
    return db
      .selectFrom('webhooks')
      .leftJoin('project_environments as e', 'e.id', 'webhooks.environment_id')
      .selectAll('webhooks')
      .select(['e.slug as env_slug', 'e.name as env_name']);
  }

  async function environmentBySlug(projectId: string, slug: string): Promise<Environment> {
    const environment = await db
      .selectFrom('project_environments')
      .select(['id', 'slug', 'name'])
      .where('project_id', '=', projectId)
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!environment) throw badRequest(`Environment "${slug}" does not exist in this project`, [{ path: 'environment', message: 'is not an environment of the project' }]);
    return environment;
  }

  async function checkTarget(url: string): Promise<void> {
    try {
      await assertResolvesPublic(new URL(url), deps.allowPrivateTargets);
    } catch (error) {
      if (!(error instanceof WebhookTargetError)) throw error;
      const message = `must not point at a private, loopback, link-local or metadata address (${error.message}); an instance may allow loopback and private ones with REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true`;
      throw badRequest(`webhookUrl ${message}`, [{ path: 'webhookUrl', message }]);
    }
  }

  /** A webhook of the actor's organization, with the actor's access checked for `action`; others are 404. */
  async function load(actor: Actor, webhookId: string, action: PermissionAction): Promise<{ row: WebhookRow; access: ProjectAccess }> {
    const row = await selectWebhooks().where('webhooks.id', '=', webhookId).where('webhooks.org_id', '=', actor.orgId).executeTakeFirst();
    if (!row) throw notFound(`Webhook ${webhookId} not found`);
    const access = await deps.permissions.forProject(actor, row.project_id);
    access.assert('webhooks', action, row.env_slug ? { environment: row.env_slug } : {});
    return { row, access };
  }

  async function audit(actor: Actor, row: { id: string; project_id: string; url: string }, eventType: string, metadata: Record<string, unknown>, origin?: RequestOrigin) {
    await deps.audit.record({
      actor,
      orgId: actor.orgId,
      projectId: row.project_id,
      eventType,
      resourceType: 'webhook',
      resourceId: row.id,
      // The host only: webhook URLs often carry a token in their path (chat integrations).
      metadata: { webhookId: row.id, urlHost: new URL(row.url).host, ...metadata },
      ...(origin ? { origin } : {}),
    });
  }

  async function reload(webhookId: string): Promise<WebhookResponse> {
    return toWebhookResponse(await selectWebhooks().where('webhooks.id', '=', webhookId).executeTakeFirstOrThrow());
  }

  return {
    /** Creates a webhook; the signing secret is returned here and never again. */
    async create(actor: Actor, input: CreateWebhookInput, origin?: RequestOrigin): Promise<{ webhook: WebhookResponse; secret: string }> {
      const projectId = (input.projectId ?? input.workspaceId) as string;
      const access = await deps.permissions.forProject(actor, projectId);
      access.assert('webhooks', 'create', input.environment ? { environment: input.environment } : {});
      const environment = input.environment ? await environmentBySlug(projectId, input.environment) : null;
      await checkTarget(input.webhookUrl);
      const id = deps.ids.uuid();
      const secret = `whsec_${deps.ids.token(32)}`;
      const now = deps.clock.now();
      const creator = actorRef(actor);
      const row = {
        id,
        org_id: access.orgId,
        project_id: projectId,
        environment_id: environment?.id ?? null,
        secret_path: input.secretPath,
        url: input.webhookUrl,
        events: JSON.stringify(input.events),
        encrypted_secret: await deps.keyring.encrypt(access.orgId, webhookSecretAad(id), secret),
        is_disabled: input.isDisabled,
        created_by_type: creator.type,
        created_by_id: creator.id,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('webhooks').values(row).execute();
      await audit(actor, row, 'create-webhook', { environment: environment?.slug ?? null, secretPath: input.secretPath, events: input.events, isDisabled: input.isDisabled }, origin);
      return { webhook: await reload(id), secret };
    },

    async list(actor: Actor, query: { projectId?: string | undefined; workspaceId?: string | undefined; environment?: string | undefined }): Promise<WebhookResponse[]> {
      const projectId = (query.projectId ?? query.workspaceId) as string;
      const access = await deps.permissions.forProject(actor, projectId);
      access.assert('webhooks', 'read', query.environment ? { environment: query.environment } : {});
      let select = selectWebhooks().where('webhooks.project_id', '=', projectId);
      if (query.environment) select = select.where('e.slug', '=', query.environment);
      const rows = await select.orderBy('webhooks.created_at').orderBy('webhooks.id').execute();
      // Rows of environments the actor may not read (conditional rules) are left out rather than refused.
      return rows.filter((row) => !row.env_slug || access.can('webhooks', 'read', { environment: row.env_slug })).map(toWebhookResponse);
    },

    async get(actor: Actor, webhookId: string): Promise<WebhookResponse> {
      return toWebhookResponse((await load(actor, webhookId, 'read')).row);
    },

    async update(actor: Actor, webhookId: string, input: UpdateWebhookInput, origin?: RequestOrigin): Promise<WebhookResponse> {
      const { row, access } = await load(actor, webhookId, 'edit');
      const environment = input.environment ? await environmentBySlug(row.project_id, input.environment) : input.environment === null ? null : undefined;
      if (environment) access.assert('webhooks', 'edit', { environment: environment.slug });
      if (input.webhookUrl !== undefined) await checkTarget(input.webhookUrl);
      await db
        .updateTable('webhooks')
        .set({
          ...(environment !== undefined ? { environment_id: environment?.id ?? null } : {}),
          ...(input.secretPath !== undefined ? { secret_path: input.secretPath } : {}),
          ...(input.webhookUrl !== undefined ? { url: input.webhookUrl } : {}),
          ...(input.events !== undefined ? { events: JSON.stringify(input.events) } : {}),
          ...(input.isDisabled !== undefined ? { is_disabled: input.isDisabled } : {}),
          updated_at: deps.clock.now(),
        })
        .where('id', '=', row.id)
        .execute();
      const { webhookUrl, ...changed } = input;
      await audit(actor, { ...row, url: webhookUrl ?? row.url }, 'update-webhook', { ...changed, isUrlChanged: webhookUrl !== undefined }, origin);
      return reload(row.id);
    },

    async remove(actor: Actor, webhookId: string, origin?: RequestOrigin): Promise<WebhookResponse> {
      const { row } = await load(actor, webhookId, 'delete');
      await db.deleteFrom('webhooks').where('id', '=', row.id).execute();
      await audit(actor, row, 'delete-webhook', {}, origin);
      return toWebhookResponse(row);
    },

    async deliveries(actor: Actor, webhookId: string, query: { offset: number; limit: number; status?: 'pending' | 'delivered' | 'failed' | undefined }) {
      const { row } = await load(actor, webhookId, 'read');
      let select = db.selectFrom('webhook_deliveries').where('webhook_id', '=', row.id);
      if (query.status) select = select.where('status', '=', query.status);
      const [rows, count] = await Promise.all([
        select.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(query.offset).limit(query.limit).execute(),
        select.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
      ]);
      return { totalCount: Number(count.count), deliveries: rows.map(toDeliveryResponse) };
    },

    /** Sends a `webhook.test` event to this webhook now and reports how it went (also in the delivery log). */
    async sendTest(actor: Actor, webhookId: string, origin?: RequestOrigin): Promise<DeliveryResponse> {
      const { row } = await load(actor, webhookId, 'edit');
      const now = deps.clock.now();
      const eventId = deps.ids.uuid();
      const body = JSON.stringify({
        id: eventId,
        type: testEventType,
        createdAt: now.toISOString(),
        projectId: row.project_id,
        webhook: { id: row.id },
        data: { message: 'A test event from Rekey: the endpoint is reachable and can verify signatures.' },
      });
      const [deliveryId] = await deps.dispatcher.enqueue(
        { id: eventId, type: testEventType, projectId: row.project_id, environmentId: row.environment_id, secretPath: '/', body },
        { webhookId: row.id, sendNow: false },
      );
      if (!deliveryId) throw new Error('the test delivery was not recorded');
      await deps.dispatcher.deliverNow(deliveryId);
      await audit(actor, row, 'webhook-test', { deliveryId }, origin);
      return toDeliveryResponse(await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow());
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
