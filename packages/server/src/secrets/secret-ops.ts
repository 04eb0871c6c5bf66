import type { Actor } from '../auth/actor.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { EnvironmentRow, FolderRow } from './folders.repo.js';
import { type Executor, type SecretsDeps, actorName, location, managedSecretError, ownerOf } from './secrets.context.js';
import {
  type SecretRow,
  type TagRef,
  deleteSecretRows,
  insertSecret,
  insertVersion,
  lockSecret,
  renamePersonalOverrides,
  replaceTagLinks,
  selectTagsByIds,
  updateSecret,
} from './secrets.repo.js';
import type { SecretType, SecretVersionChange } from './secrets.tables.js';
import {
  type PlainFields,
  type SecretView,
  openRow,
  secretCommentAad,
  secretValueAad,
  toSecretView,
  versionCommentAad,
  versionValueAad,
} from './secrets.view.js';

/**
 * The write primitives, run inside a transaction the caller opened (a request's, or the rotation
 * engine's). Permissions and audit are the caller's business; these enforce the data rules: personal
 * overrides need a shared secret, managed secrets refuse people, every change writes a version.
 */

export type WriteScope = {
  trx: Executor;
  orgId: string;
  environment: EnvironmentRow;
  folder: FolderRow;
  actor: Actor;
  now: Date;
};

export type SecretFields = {
  value?: string;
  comment?: string;
  skipMultilineEncoding?: boolean;
  reminderNote?: string | null;
  reminderRepeatDays?: number | null;
  metadata?: Record<string, string> | null;
  tagIds?: string[];
};

export type CreateItem = SecretFields & { key: string; value: string; type?: SecretType };
export type UpdateItem = SecretFields & { key: string; newKey?: string; type?: SecretType };
export type DeleteItem = { key: string; type?: SecretType };

type Deps = Pick<SecretsDeps, 'keyring' | 'ids' | 'describeRotation' | 'db'>;

function where(scope: WriteScope): string {
  return location(scope.environment.slug, scope.folder.path);
}

function personalOwner(actor: Actor) {
  const owner = ownerOf(actor);
  if (!owner) throw badRequest('Personal secrets belong to a user or a machine identity; the system cannot own one');
  return owner;
}

async function resolveTags(scope: WriteScope, tagIds: string[] | undefined): Promise<TagRef[] | undefined> {
  if (tagIds === undefined) return undefined;
  const unique = [...new Set(tagIds)];
  const tags = await selectTagsByIds(scope.trx, scope.environment.project_id, unique);
  if (tags.length !== unique.length) {
    const missing = unique.filter((id) => !tags.some((tag) => tag.id === id));
    throw badRequest(`Unknown tag id(s) for this project: ${missing.join(', ')}; create tags first (POST /api/v1/workspace/{projectId}/tags)`);
  }
  return tags;
}

export function createSecretOps(deps: Deps) {
  const { keyring, ids } = deps;

  async function writeVersion(scope: WriteScope, secret: Pick<SecretRow, 'id' | 'key' | 'type' | 'version'>, plain: PlainFields, change: SecretVersionChange) {
    const id = ids.uuid();
    const actor = scope.actor;
    await insertVersion(scope.trx, {
      id,
      secret_id: secret.id,
      project_id: scope.environment.project_id,
      version: secret.version,
      key: secret.key,
      type: secret.type,
      encrypted_value: keyring.encryptSync(scope.orgId, versionValueAad(id), plain.value),
      encrypted_comment: plain.comment ? keyring.encryptSync(scope.orgId, versionCommentAad(id), plain.comment) : null,
      change,
      actor_type: actor.type,
      actor_id: ownerOf(actor)?.id ?? (actor.type === 'system' ? actor.reason : 'unknown'),
      actor_name: actorName(actor),
      created_at: scope.now,
    });
  }

  /** Inserts a secret that the caller has checked does not exist yet, with version 1. */
  async function insertNew(
    scope: WriteScope,
    item: CreateItem,
    options: { rotationId?: string | null; change?: SecretVersionChange } = {},
  ): Promise<SecretView> {
    const type = item.type ?? 'shared';
    const owner = type === 'personal' ? personalOwner(scope.actor) : null;
    const tags = (await resolveTags(scope, item.tagIds)) ?? [];
    const id = ids.uuid();
    const plain = { value: item.value, comment: item.comment ?? '' };
    const row: SecretRow = {
      id,
      project_id: scope.environment.project_id,
      environment_id: scope.environment.id,
      folder_id: scope.folder.id,
      key: item.key,
      type,
      owner_id: owner?.id ?? null,
      version: 1,
      encrypted_value: keyring.encryptSync(scope.orgId, secretValueAad(id), plain.value),
      encrypted_comment: plain.comment ? keyring.encryptSync(scope.orgId, secretCommentAad(id), plain.comment) : null,
      skip_multiline_encoding: item.skipMultilineEncoding ?? false,
      reminder_note: item.reminderNote ?? null,
      reminder_repeat_days: item.reminderRepeatDays ?? null,
      metadata: item.metadata ?? null,
      managed_by_rotation_id: options.rotationId ?? null,
      created_at: scope.now,
      updated_at: scope.now,
      folder_path: scope.folder.path,
      environment_slug: scope.environment.slug,
      tags,
    };
    const { folder_path: _path, environment_slug: _env, tags: _tags, ...columns } = row;
    await insertSecret(scope.trx, { ...columns, owner_type: owner?.type ?? null });
    await writeVersion(scope, row, plain, options.change ?? 'created');
    if (tags.length > 0) await replaceTagLinks(scope.trx, id, tags.map((tag) => tag.id));
    return toSecretView(row, plain);
  }

  /** Applies changes to a locked row and writes the next version. */
  async function applyChanges(
    scope: WriteScope,
    row: SecretRow,
    item: SecretFields & { newKey?: string },
    change: SecretVersionChange,
    rotationId?: string | null,
  ): Promise<SecretView> {
    const current = openRow(keyring, scope.orgId, row);
    const plain = { value: item.value ?? current.value, comment: item.comment ?? current.comment };
    const tags = await resolveTags(scope, item.tagIds);
    const next: SecretRow = {
      ...row,
      key: item.newKey ?? row.key,
      version: row.version + 1,
      encrypted_value: item.value === undefined ? row.encrypted_value : keyring.encryptSync(scope.orgId, secretValueAad(row.id), plain.value),
      encrypted_comment:
        item.comment === undefined
          ? row.encrypted_comment
          : plain.comment
            ? keyring.encryptSync(scope.orgId, secretCommentAad(row.id), plain.comment)
            : null,
      skip_multiline_encoding: item.skipMultilineEncoding ?? row.skip_multiline_encoding,
      reminder_note: item.reminderNote === undefined ? row.reminder_note : item.reminderNote,
      reminder_repeat_days: item.reminderRepeatDays === undefined ? row.reminder_repeat_days : item.reminderRepeatDays,
      metadata: item.metadata === undefined ? row.metadata : item.metadata,
      managed_by_rotation_id: rotationId === undefined ? row.managed_by_rotation_id : rotationId,
      updated_at: scope.now,
      tags: tags ?? row.tags,
    };
    await updateSecret(scope.trx, row.id, {
      key: next.key,
      version: next.version,
      encrypted_value: next.encrypted_value,
      encrypted_comment: next.encrypted_comment,
      skip_multiline_encoding: next.skip_multiline_encoding,
      reminder_note: next.reminder_note,
      reminder_repeat_days: next.reminder_repeat_days,
      metadata: next.metadata,
      managed_by_rotation_id: next.managed_by_rotation_id,
      updated_at: scope.now,
    });
    await writeVersion(scope, next, plain, change);
    if (tags) await replaceTagLinks(scope.trx, row.id, tags.map((tag) => tag.id));
    return toSecretView(next, plain);
  }

  async function refuseManaged(row: SecretRow): Promise<void> {
    if (row.managed_by_rotation_id) throw await managedSecretError(deps, row.key, row.managed_by_rotation_id);
  }

  async function create(scope: WriteScope, item: CreateItem): Promise<SecretView> {
    const type = item.type ?? 'shared';
    const ownerId = type === 'personal' ? personalOwner(scope.actor).id : null;
    if (type === 'personal') {
      const shared = await lockSecret(scope.trx, scope.folder.id, item.key, 'shared', null);
      if (!shared) {
        throw badRequest(`A personal secret overrides a shared one: create the shared secret '${item.key}' in ${where(scope)} first`);
      }
      // An override would hide rotated values from its owner, who would break when the old credential expires.
      if (shared.managed_by_rotation_id) throw await managedSecretError(deps, item.key, shared.managed_by_rotation_id);
    }
    if (await lockSecret(scope.trx, scope.folder.id, item.key, type, ownerId)) {
      const kind = type === 'personal' ? 'A personal override of secret' : 'Secret';
      throw conflict(`${kind} '${item.key}' already exists in ${where(scope)}; update it instead`);
    }
    return insertNew(scope, item);
  }

  async function requireRow(scope: WriteScope, key: string, type: SecretType): Promise<SecretRow> {
    const ownerId = type === 'personal' ? personalOwner(scope.actor).id : null;
    const row = await lockSecret(scope.trx, scope.folder.id, key, type, ownerId);
    if (!row) throw notFound(`${type === 'personal' ? 'Personal secret' : 'Secret'} '${key}' not found in ${where(scope)}`);
    return row;
  }

  async function update(scope: WriteScope, item: UpdateItem): Promise<SecretView> {
    const type = item.type ?? 'shared';
    const row = await requireRow(scope, item.key, type);
    await refuseManaged(row);
    const newKey = item.newKey !== undefined && item.newKey !== row.key ? item.newKey : undefined;
    if (newKey !== undefined) {
      if (type === 'personal') {
        throw badRequest(`A personal override keeps the name of the shared secret it overrides; rename the shared secret '${row.key}' instead`);
      }
      if (await lockSecret(scope.trx, scope.folder.id, newKey, 'shared', null)) {
        throw conflict(`Cannot rename '${row.key}' to '${newKey}': a secret named '${newKey}' already exists in ${where(scope)}`);
      }
      await renamePersonalOverrides(scope.trx, scope.folder.id, row.key, newKey, scope.now);
    }
    return applyChanges(scope, row, { ...item, newKey }, 'updated');
  }

  async function remove(scope: WriteScope, item: DeleteItem): Promise<SecretView> {
    const type = item.type ?? 'shared';
    const row = await requireRow(scope, item.key, type);
    await refuseManaged(row);
    const plain = openRow(keyring, scope.orgId, row);
    // Overrides of a secret that no longer exists would be invisible and unreachable.
    if (type === 'shared') await deleteSecretRows(scope.trx, { folderId: scope.folder.id, key: row.key, type: 'personal' });
    await deleteSecretRows(scope.trx, { id: row.id });
    return toSecretView(row, plain);
  }

  return { create, update, remove, insertNew, applyChanges, writeVersion, requireRow, refuseManaged };
}

export type SecretOps = ReturnType<typeof createSecretOps>;
