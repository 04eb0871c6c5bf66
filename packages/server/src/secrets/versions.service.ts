import { notFound } from '../http/errors.js';
import type { ProjectAccess } from '../permissions/permissions.types.js';
import { findEnvironmentById, findFolderById } from './folders.repo.js';
import type { SecretOps, WriteScope } from './secret-ops.js';
import { type CallContext, type SecretsDeps, ownerOf } from './secrets.context.js';
import { type SecretRow, lockSecret, selectSecretById, selectVersion, selectVersions } from './secrets.repo.js';
import type { SecretType, SecretVersionChange } from './secrets.tables.js';
import { type SecretView, versionCommentAad, versionValueAad } from './secrets.view.js';
import { isUuid } from './validation.js';

/** One past state of a secret, with who made it and when. */
export type SecretVersionView = {
  id: string;
  secretId: string;
  version: number;
  workspace: string;
  environment: string;
  secretPath: string;
  type: SecretType;
  secretKey: string;
  secretValue: string;
  secretComment: string;
  change: SecretVersionChange;
  actor: { actorType: 'user' | 'identity' | 'system'; actorId: string; name: string | null };
  createdAt: string;
};

export function createVersionsService(deps: SecretsDeps, ops: SecretOps) {
  const { db, keyring, audit, clock } = deps;

  /** The secret and the caller's access to its project; another owner's personal secret does not exist for them. */
  async function locate(ctx: CallContext, secretId: string): Promise<{ row: SecretRow; access: ProjectAccess }> {
    const missing = () => notFound(`Secret ${secretId} not found`);
    if (!isUuid(secretId)) throw missing();
    const row = await selectSecretById(db, secretId);
    if (!row) throw missing();
    const access = await deps.permissions.forProject(ctx.actor, row.project_id);
    if (row.type === 'personal' && row.owner_id !== ownerOf(ctx.actor)?.id) throw missing();
    return { row, access };
  }

  async function list(ctx: CallContext, secretId: string, page: { offset: number; limit: number }): Promise<SecretVersionView[]> {
    const { row, access } = await locate(ctx, secretId);
    access.assert('secrets', 'read', { environment: row.environment_slug, secretPath: row.folder_path });
    await keyring.warm(access.orgId);
    const versions = await selectVersions(db, row.id, page.offset, page.limit);
    audit.enqueue({
      actor: ctx.actor,
      orgId: access.orgId,
      projectId: access.projectId,
      eventType: 'get-secret-versions',
      resourceType: 'secret',
      resourceId: row.id,
      metadata: { environment: row.environment_slug, secretPath: row.folder_path, secretKey: row.key, numberOfVersions: versions.length },
      ...(ctx.origin ? { origin: ctx.origin } : {}),
    });
    return versions.map((version) => ({
      id: version.id,
      secretId: row.id,
      version: version.version,
      workspace: row.project_id,
      environment: row.environment_slug,
      secretPath: row.folder_path,
      type: version.type,
      secretKey: version.key,
      secretValue: keyring.decryptTextSync(access.orgId, versionValueAad(version.id), version.encrypted_value),
      secretComment: version.encrypted_comment
        ? keyring.decryptTextSync(access.orgId, versionCommentAad(version.id), version.encrypted_comment)
        : '',
      change: version.change,
      actor: { actorType: version.actor_type, actorId: version.actor_id, name: version.actor_name },
      createdAt: version.created_at.toISOString(),
    }));
  }

  /** Makes an old version's value and comment current again, as a new version (history is never rewritten). */
  async function restore(ctx: CallContext, secretId: string, version: number): Promise<SecretView> {
    const { row, access } = await locate(ctx, secretId);
    access.assert('secrets', 'edit', { environment: row.environment_slug, secretPath: row.folder_path });
    await keyring.warm(access.orgId);
    return db.transaction().execute(async (trx) => {
      const locked = await lockSecret(trx, row.folder_id, row.key, row.type, row.owner_id);
      const environment = await findEnvironmentById(trx, row.environment_id);
      const folder = await findFolderById(trx, row.folder_id);
      if (!locked || !environment || !folder) throw notFound(`Secret ${secretId} not found`);
      await ops.refuseManaged(locked);
      const old = await selectVersion(trx, row.id, version);
      if (!old) throw notFound(`Secret '${row.key}' has no version ${version} (latest is ${locked.version})`);
      const scope: WriteScope = { trx, orgId: access.orgId, environment, folder, actor: ctx.actor, now: clock.now() };
      const value = keyring.decryptTextSync(access.orgId, versionValueAad(old.id), old.encrypted_value);
      const comment = old.encrypted_comment ? keyring.decryptTextSync(access.orgId, versionCommentAad(old.id), old.encrypted_comment) : '';
      const view = await ops.applyChanges(scope, locked, { value, comment }, 'restored');
      await audit.record(
        {
          actor: ctx.actor,
          orgId: access.orgId,
          projectId: access.projectId,
          eventType: 'restore-secret-version',
          resourceType: 'secret',
          resourceId: row.id,
          metadata: { environment: row.environment_slug, secretPath: row.folder_path, secretKey: locked.key, restoredVersion: version, secretVersion: view.version },
          ...(ctx.origin ? { origin: ctx.origin } : {}),
        },
        trx,
      );
      return view;
    });
  }

  return { list, restore };
}

export type VersionsService = ReturnType<typeof createVersionsService>;
