import type { AuditEvent } from '../audit/audit.types.js';
import { isUniqueViolation } from '../db/database.js';
import { badRequest, conflict } from '../http/errors.js';
import type { PermissionAction, ProjectAccess } from '../permissions/permissions.types.js';
import type { CreateItem, DeleteItem, SecretOps, UpdateItem, WriteScope } from './secret-ops.js';
import {
  type CallContext,
  type ProjectRef,
  type SecretsDeps,
  requireEnvironment,
  requireFolder,
  resolveProject,
} from './secrets.context.js';
import type { SecretView } from './secrets.view.js';

/** Where a write happens: every write names one folder of one environment. */
export type WriteTarget = CallContext & { project: ProjectRef; environment: string; secretPath: string };

/** Batch updates either fail on a missing key (Infisical's default) or create it (`upsert`). */
export type BatchUpdateMode = 'failOnNotFound' | 'upsert';

function auditSummary(view: SecretView) {
  return { secretId: view.id, secretKey: view.secretKey, secretVersion: view.version, type: view.type };
}

function refuseDuplicateKeys(items: { key: string; type?: string | undefined }[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    const id = `${item.type ?? 'shared'}:${item.key}`;
    if (seen.has(id)) throw badRequest(`Secret '${item.key}' appears more than once in the batch`);
    seen.add(id);
  }
}

/**
 * Secret writes for people and machines: permission check, then one transaction holding the change,
 * its versions and its audit event, so either all of it is stored or none.
 */
export function createSecretWriter(deps: SecretsDeps, ops: SecretOps) {
  const { db, keyring, clock, audit } = deps;

  async function inScope<T>(
    target: WriteTarget,
    actions: PermissionAction[],
    run: (scope: WriteScope, access: ProjectAccess) => Promise<{ result: T; event: Omit<AuditEvent, 'actor' | 'orgId' | 'projectId' | 'origin'> }>,
  ): Promise<T> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    for (const action of actions) access.assert('secrets', action, { environment: target.environment, secretPath: target.secretPath });
    await keyring.warm(access.orgId);
    try {
      return await db.transaction().execute(async (trx) => {
        const environment = await requireEnvironment(trx, access.projectId, target.environment);
        const folder = await requireFolder(deps, trx, environment, target.secretPath);
        const scope: WriteScope = { trx, orgId: access.orgId, environment, folder, actor: target.actor, now: clock.now() };
        const { result, event } = await run(scope, access);
        await audit.record(
          {
            ...event,
            actor: target.actor,
            orgId: access.orgId,
            projectId: access.projectId,
            ...(target.origin ? { origin: target.origin } : {}),
          },
          trx,
        );
        return result;
      });
    } catch (error) {
      // Two writers raced for the same key; the loser's whole transaction rolled back.
      if (isUniqueViolation(error)) throw conflict('A secret with that name was created at the same moment by another request; read it and retry');
      throw error;
    }
  }

  const metadataOf = (target: WriteTarget) => ({ environment: target.environment, secretPath: target.secretPath });

  return {
    create: (target: WriteTarget, item: CreateItem) =>
      inScope(target, ['create'], async (scope) => {
        const view = await ops.create(scope, item);
        return { result: view, event: { eventType: 'create-secret', resourceType: 'secret', resourceId: view.id, metadata: { ...metadataOf(target), ...auditSummary(view) } } };
      }),

    update: (target: WriteTarget, item: UpdateItem) =>
      inScope(target, ['edit'], async (scope) => {
        const view = await ops.update(scope, item);
        const renamed = item.newKey !== undefined && item.newKey !== item.key ? { oldSecretKey: item.key } : {};
        return {
          result: view,
          event: { eventType: 'update-secret', resourceType: 'secret', resourceId: view.id, metadata: { ...metadataOf(target), ...auditSummary(view), ...renamed } },
        };
      }),

    remove: (target: WriteTarget, item: DeleteItem) =>
      inScope(target, ['delete'], async (scope) => {
        const view = await ops.remove(scope, item);
        return { result: view, event: { eventType: 'delete-secret', resourceType: 'secret', resourceId: view.id, metadata: { ...metadataOf(target), ...auditSummary(view) } } };
      }),

    createMany: (target: WriteTarget, items: CreateItem[]) =>
      inScope(target, ['create'], async (scope) => {
        refuseDuplicateKeys(items);
        const views: SecretView[] = [];
        for (const item of items) views.push(await ops.create(scope, item));
        return { result: views, event: { eventType: 'create-secrets', metadata: { ...metadataOf(target), secrets: views.map(auditSummary) } } };
      }),

    updateMany: (target: WriteTarget, items: UpdateItem[], mode: BatchUpdateMode = 'failOnNotFound') =>
      inScope(target, mode === 'upsert' ? ['edit', 'create'] : ['edit'], async (scope) => {
        refuseDuplicateKeys(items);
        const views: SecretView[] = [];
        for (const item of items) {
          if (mode === 'upsert' && item.value !== undefined) {
            const type = item.type ?? 'shared';
            const exists = await ops.requireRow(scope, item.key, type).then(
              () => true,
              () => false,
            );
            if (!exists) {
              views.push(await ops.create(scope, { ...item, key: item.newKey ?? item.key, value: item.value }));
              continue;
            }
          }
          views.push(await ops.update(scope, item));
        }
        return { result: views, event: { eventType: 'update-secrets', metadata: { ...metadataOf(target), mode, secrets: views.map(auditSummary) } } };
      }),

    removeMany: (target: WriteTarget, items: DeleteItem[]) =>
      inScope(target, ['delete'], async (scope) => {
        refuseDuplicateKeys(items);
        const views: SecretView[] = [];
        for (const item of items) views.push(await ops.remove(scope, item));
        return { result: views, event: { eventType: 'delete-secrets', metadata: { ...metadataOf(target), secrets: views.map(auditSummary) } } };
      }),
  };
}

export type SecretWriter = ReturnType<typeof createSecretWriter>;
