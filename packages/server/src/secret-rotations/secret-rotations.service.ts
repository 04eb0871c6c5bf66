import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService, ProjectAccess } from '../permissions/permissions.types.js';
import { openSlot, otherSlot, slotExpiresAt, slotExternalId, type SlotIndex, trackedExternalIds } from './engine/credential-slots.js';
import type { ConnectionResolver, ManagedSecretsPort, RotationRow } from './engine/engine.types.js';
import { ProviderError } from './engine/provider-error.js';
import { providerFor, type AnyRotationProvider } from './engine/registry.js';
import type { RotationEngine } from './engine/rotation-engine.js';
import { withTransientRetries } from './engine/retry.js';
import { nextRotationAt, type RotateAt } from './engine/schedule.js';
import { findRotations, isNameTaken, pendingRevocationIds } from './secret-rotations.repo.js';
import type { RotationResponse } from './secret-rotations.schemas.js';
import { toRotationResponse } from './secret-rotations.view.js';
import { createRotationRow } from './secret-rotations.create.js';

/** What the rotation service needs from the secrets module beyond publishing values. */
export type RotationSecretsPort = ManagedSecretsPort & {
  /** Throws a 4xx naming the problem when any key is taken in that folder by a secret the rotation does not own. */
  assertKeysAvailable(db: Kysely<Database>, input: { projectId: string; environmentId: string; secretPath: string; keys: string[]; rotationId?: string }): Promise<void>;
  /** Makes the rotation's secrets ordinary, editable secrets again. */
  releaseManagedSecrets(trx: Kysely<Database>, input: { rotationId: string }): Promise<void>;
  deleteManagedSecrets(trx: Kysely<Database>, input: { rotationId: string; actor: Actor }): Promise<void>;
};

export type RotationConnectionsPort = ConnectionResolver & {
  /** The connection's name and app; 404 when it does not exist in the organization. */
  describe(orgId: string, connectionId: string): Promise<{ id: string; name: string; app: string }>;
};

export type SecretRotationsServiceDeps = {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  permissions: PermissionService;
  findEnvironment(projectId: string, slug: string): Promise<{ id: string; name: string; slug: string }>;
  connections: RotationConnectionsPort;
  secrets: RotationSecretsPort;
  engine: RotationEngine;
  /** How long rotate-secrets waits for an attempt before answering with status `rotating`. */
  rotateWaitMs: number;
};

export type CreateRotationInput = {
  type: string;
  name: string;
  description?: string | null | undefined;
  connectionId: string;
  projectId: string;
  environment: string;
  secretPath: string;
  isAutoRotationEnabled: boolean;
  rotationInterval: number;
  rotateAtUtc?: { hours: number; minutes: number } | undefined;
  rotateAt?: { hours: number; minutes: number } | undefined;
  timeZone?: string | undefined;
  parameters: Record<string, unknown>;
  secretsMapping: Record<string, string>;
};

export type UpdateRotationInput = Partial<
  Pick<CreateRotationInput, 'name' | 'description' | 'isAutoRotationEnabled' | 'rotationInterval' | 'rotateAtUtc' | 'rotateAt' | 'timeZone'>
>;

/** `rotateAt` + `timeZone` (Rekey) or `rotateAtUtc` (Infisical); 00:00 UTC when neither is given. */
export function resolveRotateAt(input: Pick<CreateRotationInput, 'rotateAt' | 'rotateAtUtc' | 'timeZone'>, fallback?: RotateAt): RotateAt {
  if (input.rotateAt) return { ...input.rotateAt, timeZone: input.timeZone ?? fallback?.timeZone ?? 'UTC' };
  if (input.rotateAtUtc) return { ...input.rotateAtUtc, timeZone: 'UTC' };
  if (input.timeZone && fallback) return { hours: fallback.hours, minutes: fallback.minutes, timeZone: input.timeZone };
  return fallback ?? { hours: 0, minutes: 0, timeZone: 'UTC' };
}

/** Provider errors during a request become 4xx the caller can act on (or 502 for upstream trouble). */
export function toRequestError(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  if (error.category === 'throttled' || error.category === 'network') return new AppError('upstream', error.message, { isRetryable: true });
  return badRequest(error.message);
}

export function createSecretRotationsService(deps: SecretRotationsServiceDeps) {
  async function loadForActor(actor: Actor, rotationId: string, type?: string) {
    const found = (await findRotations(deps.db, { id: rotationId, ...(type ? { type } : {}) }))[0];
    if (!found || found.row.org_id !== actor.orgId) throw notFound(`Secret rotation ${rotationId} not found`);
    const access = await deps.permissions.forProject(actor, found.row.project_id);
    return { ...found, access };
  }

  function target(row: RotationRow, environmentSlug: string) {
    return { environment: environmentSlug, secretPath: row.secret_path, connectionId: row.connection_id };
  }

  function providerOrThrow(type: string): AnyRotationProvider {
    const provider = providerFor(type);
    if (!provider) throw notFound(`Unknown secret rotation type "${type}"`);
    return provider;
  }

  async function view(rotationId: string): Promise<RotationResponse> {
    const found = (await findRotations(deps.db, { id: rotationId }))[0];
    if (!found) throw notFound(`Secret rotation ${rotationId} not found`);
    return toRotationResponse(found.row, found.context);
  }

  return {
    view,

    async list(actor: Actor, projectId: string, type?: string): Promise<RotationResponse[]> {
      const access = await deps.permissions.forProject(actor, projectId);
      const rows = await findRotations(deps.db, { projectId, ...(type ? { type } : {}) });
      const visible = rows.filter(({ row, context }) => access.can('secret-rotations', 'read', target(row, context.environment.slug)));
      deps.audit.enqueue({
        actor,
        orgId: actor.orgId,
        projectId,
        eventType: 'get-secret-rotations',
        metadata: { type: type ?? null, count: visible.length, rotationIds: visible.map(({ row }) => row.id) },
      });
      return visible.map(({ row, context }) => toRotationResponse(row, context));
    },

    async get(actor: Actor, rotationId: string, type?: string): Promise<RotationResponse> {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'read', target(row, context.environment.slug));
      deps.audit.enqueue({
        actor,
        orgId: actor.orgId,
        projectId: row.project_id,
        eventType: 'get-secret-rotation',
        resourceType: 'secret-rotation',
        resourceId: row.id,
        metadata: { rotationId: row.id, type: row.type, secretPath: row.secret_path, environment: context.environment.slug },
      });
      return toRotationResponse(row, context);
    },

    async getByName(actor: Actor, input: { type: string; name: string; projectId: string; environment: string; secretPath: string }) {
      const access = await deps.permissions.forProject(actor, input.projectId);
      const found = (await findRotations(deps.db, { projectId: input.projectId, type: input.type, name: input.name })).find(
        ({ row, context }) => context.environment.slug === input.environment && row.secret_path === input.secretPath,
      );
      if (!found) throw notFound(`No ${input.type} rotation named "${input.name}" in ${input.environment}:${input.secretPath}`);
      access.assert('secret-rotations', 'read', target(found.row, found.context.environment.slug));
      return toRotationResponse(found.row, found.context);
    },

    async create(actor: Actor, input: CreateRotationInput, origin?: RequestOrigin): Promise<RotationResponse> {
      const provider = providerOrThrow(input.type);
      const access = await deps.permissions.forProject(actor, input.projectId);
      const created = await createRotationRow(deps, { actor, access, provider, input, ...(origin ? { origin } : {}) });
      const handle = await deps.engine.runClaimed(created.claim);
      await handle.published;
      const outcome = await Promise.race([handle.done, handle.published.then(() => undefined)]);
      const row = await deps.db.selectFrom('secret_rotations').selectAll().where('id', '=', created.rotationId).executeTakeFirst();
      if (outcome?.status === 'failed' || !row || !row.slot0_external_id) {
        // Nothing was published: remove the rotation; the attempt already queued and revoked whatever it issued.
        const message = outcome?.status === 'failed' ? outcome.message : 'the first credential could not be issued';
        await deps.db.deleteFrom('secret_rotations').where('id', '=', created.rotationId).execute();
        throw badRequest(`Could not create the secret rotation: ${message}`);
      }
      return view(created.rotationId);
    },

    async update(actor: Actor, rotationId: string, type: string, input: UpdateRotationInput, origin?: RequestOrigin): Promise<RotationResponse> {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'edit', target(row, context.environment.slug));
      if (input.name && input.name !== row.name && (await isNameTaken(deps.db, row.project_id, input.name, row.id))) {
        throw conflict(`A secret rotation named "${input.name}" already exists in this project`);
      }
      const rotateAt = resolveRotateAt(input, { hours: row.rotate_at_hours, minutes: row.rotate_at_minutes, timeZone: row.time_zone });
      const isEnabled = input.isAutoRotationEnabled ?? row.is_auto_rotation_enabled;
      const interval = input.rotationInterval ?? row.rotation_interval;
      const now = deps.clock.now();
      // A failed rotation gets a fresh chance soon after its configuration changes; otherwise the schedule
      // is recomputed from the last successful rotation.
      const next = !isEnabled
        ? null
        : row.status === 'failed' || !row.last_rotated_at
          ? now
          : nextRotationAt({ lastRotatedAt: row.last_rotated_at, rotationIntervalDays: interval, rotateAt, isLastRotationManual: row.is_last_rotation_manual, isAutoRotationEnabled: true });
      await deps.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('secret_rotations')
          .set({
            name: input.name ?? row.name,
            description: input.description === undefined ? row.description : input.description,
            is_auto_rotation_enabled: isEnabled,
            rotation_interval: interval,
            rotate_at_hours: rotateAt.hours,
            rotate_at_minutes: rotateAt.minutes,
            time_zone: rotateAt.timeZone,
            next_rotation_at: next,
            consecutive_failures: row.status === 'failed' ? 0 : row.consecutive_failures,
            attention_reason: null,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .execute();
        await deps.audit.record(
          { actor, orgId: actor.orgId, projectId: row.project_id, eventType: 'update-secret-rotation', resourceType: 'secret-rotation', resourceId: row.id, metadata: { rotationId: row.id, type: row.type, ...input }, ...(origin ? { origin } : {}) },
          trx,
        );
      });
      return view(row.id);
    },

    async remove(actor: Actor, rotationId: string, type: string, options: { deleteSecrets: boolean; revokeGeneratedCredentials: boolean }, origin?: RequestOrigin) {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'delete', target(row, context.environment.slug));
      if (options.deleteSecrets) access.assert('secrets', 'delete', target(row, context.environment.slug));
      const response = toRotationResponse(row, context);
      const isInFlight = row.status === 'rotating' && row.lease_expires_at !== null && row.lease_expires_at.getTime() > deps.clock.now().getTime();
      if (isInFlight) throw conflict('A rotation is in progress; try deleting again once it has finished');
      if (options.revokeGeneratedCredentials) {
        const provider = providerOrThrow(row.type);
        const connection = await deps.connections.resolve(row.type, row.org_id, row.connection_id);
        const keyIds = [...trackedExternalIds(row), ...(await pendingRevocationIds(deps.db, row.id))];
        for (const keyId of keyIds) {
          await withTransientRetries(() => provider.revoke(connection, row.parameters, keyId), { retries: 3, baseDelayMs: 1000 }).catch((error: unknown) => {
            throw toRequestError(error);
          });
        }
      }
      await deps.db.transaction().execute(async (trx) => {
        if (options.deleteSecrets) await deps.secrets.deleteManagedSecrets(trx, { rotationId: row.id, actor });
        else await deps.secrets.releaseManagedSecrets(trx, { rotationId: row.id });
        if (options.revokeGeneratedCredentials) await trx.deleteFrom('secret_rotation_pending_revocations').where('rotation_id', '=', row.id).execute();
        await trx.deleteFrom('secret_rotations').where('id', '=', row.id).execute();
        await deps.audit.record(
          { actor, orgId: actor.orgId, projectId: row.project_id, eventType: 'delete-secret-rotation', resourceType: 'secret-rotation', resourceId: row.id, metadata: { type: row.type, rotationId: row.id, ...options }, ...(origin ? { origin } : {}) },
          trx,
        );
      });
      return response;
    },

    async rotateNow(actor: Actor, rotationId: string, type: string, origin?: RequestOrigin): Promise<RotationResponse> {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'rotate-secrets', target(row, context.environment.slug));
      const handle = await deps.engine.rotateNow(row.id, actor, 'manual');
      if (!handle) throw conflict('A rotation is already in progress for this secret rotation');
      deps.audit.enqueue({ actor, orgId: actor.orgId, projectId: row.project_id, eventType: 'secret-rotation-rotate-secrets-requested', resourceType: 'secret-rotation', resourceId: row.id, metadata: { rotationId: row.id }, ...(origin ? { origin } : {}) });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([handle.done, new Promise((resolve) => { timer = setTimeout(resolve, deps.rotateWaitMs); })]);
      if (timer) clearTimeout(timer);
      return view(row.id);
    },

    async generatedCredentials(actor: Actor, rotationId: string, type: string) {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'read-generated-credentials', target(row, context.environment.slug));
      const slots: SlotIndex[] = [row.active_index as SlotIndex, otherSlot(row.active_index)];
      const generatedCredentials = [];
      for (const slot of slots) {
        const credential = await openSlot(deps.keyring, row, slot);
        if (!credential) continue;
        const expiresAt = slotExpiresAt(row, slot);
        generatedCredentials.push({ slot, isActive: slot === row.active_index, expiresAt: expiresAt ? expiresAt.toISOString() : null, credential });
      }
      await deps.audit.record({
        actor,
        orgId: actor.orgId,
        projectId: row.project_id,
        eventType: 'get-secret-rotation-generated-credentials',
        resourceType: 'secret-rotation',
        resourceId: row.id,
        metadata: { type: row.type, rotationId: row.id, secretPath: row.secret_path, environment: context.environment.slug },
      });
      return { rotationId: row.id, type: row.type, activeIndex: row.active_index, generatedCredentials };
    },

    async checkCredentials(actor: Actor, rotationId: string, type: string) {
      const { row, context, access } = await loadForActor(actor, rotationId, type);
      access.assert('secret-rotations', 'read-generated-credentials', target(row, context.environment.slug));
      const credential = await openSlot(deps.keyring, row, row.active_index as SlotIndex);
      if (!credential || !slotExternalId(row, row.active_index as SlotIndex)) throw badRequest('This rotation has no active credential to check');
      const provider = providerOrThrow(row.type);
      const connection = await deps.connections.resolve(row.type, row.org_id, row.connection_id);
      let result: { success: boolean; message: string };
      try {
        const verdict = await provider.verify(connection, row.parameters, credential);
        result = verdict.status === 'active' ? { success: true, message: 'The active credential obtains a token' } : { success: false, message: verdict.reason };
      } catch (error) {
        result = { success: false, message: error instanceof Error ? error.message : 'check failed' };
      }
      await deps.audit.record({ actor, orgId: actor.orgId, projectId: row.project_id, eventType: 'secret-rotation-check-credentials', resourceType: 'secret-rotation', resourceId: row.id, metadata: { rotationId: row.id, ...result } });
      return result;
    },
  };
}

export type SecretRotationsService = ReturnType<typeof createSecretRotationsService>;
export type { ProjectAccess };
