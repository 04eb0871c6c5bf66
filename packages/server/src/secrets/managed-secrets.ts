import type { Actor } from '../auth/actor.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { ensureFolderPath, findEnvironment, findEnvironmentById, findFolder, type EnvironmentRow } from './folders.repo.js';
import type { SecretOps, WriteScope } from './secret-ops.js';
import { type Executor, type SecretsDeps, location, managedSecretError } from './secrets.context.js';
import { type SecretRow, deleteSecretRows, lockSecret, selectManagedSecrets, updateSecret } from './secrets.repo.js';
import { SECRET_VALUE_MAX_BYTES, byteLength, formatBytes, normalizeSecretPath, secretNameProblem } from './validation.js';

/**
 * The API the rotation engine uses for the secrets a rotation owns ("managed" secrets). Every function
 * runs in the caller's transaction, so a rotation's promotion (new credential, new secret versions,
 * history, audit) commits or rolls back as one.
 */

/** Where a rotation's secrets live. The environment is named by slug or by id. */
export type ManagedSecretsTarget = {
  projectId: string;
  orgId: string;
  environment: { slug: string } | { id: string };
  secretPath: string;
};

export type ManagedSecretRef = { id: string; key: string; version: number; environment: string; secretPath: string };

function refOf(row: Pick<SecretRow, 'id' | 'key' | 'version' | 'environment_slug' | 'folder_path'>): ManagedSecretRef {
  return { id: row.id, key: row.key, version: row.version, environment: row.environment_slug, secretPath: row.folder_path };
}

function checkedPath(secretPath: string): string {
  const result = normalizeSecretPath(secretPath);
  if (!result.ok) throw badRequest(`Invalid secret path '${secretPath}': ${result.problem}`);
  return result.path;
}

function checkedKeys(keys: string[]): string[] {
  const seen = new Set<string>();
  for (const key of keys) {
    const problem = secretNameProblem(key);
    if (problem) throw badRequest(`Invalid secret name '${key.slice(0, 300)}': ${problem}`);
    if (seen.has(key)) throw badRequest(`Secret name '${key}' is mapped more than once`);
    seen.add(key);
  }
  // A fixed order means two transactions lock the same rows in the same order, so they cannot deadlock.
  return [...seen].sort();
}

async function environmentOf(db: Executor, target: ManagedSecretsTarget): Promise<EnvironmentRow> {
  const environment =
    'slug' in target.environment
      ? await findEnvironment(db, target.projectId, target.environment.slug)
      : await findEnvironmentById(db, target.environment.id);
  if (!environment || environment.project_id !== target.projectId) {
    const name = 'slug' in target.environment ? target.environment.slug : target.environment.id;
    throw notFound(`Environment '${name}' does not exist in project ${target.projectId}`);
  }
  return environment;
}

export function createManagedSecrets(deps: SecretsDeps, ops: SecretOps) {
  const { keyring, clock, audit } = deps;

  /**
   * Refuses (409) when any of `keys` already exists as a shared secret at the target, unless it is
   * already managed by `rotationId` (an edit of that rotation). Also validates names (400) and the
   * environment (404). A folder that does not exist yet is fine: writing creates it.
   */
  async function assertKeysAvailable(
    db: Executor,
    input: ManagedSecretsTarget & { keys: string[]; rotationId?: string },
  ): Promise<void> {
    const path = checkedPath(input.secretPath);
    const keys = checkedKeys(input.keys);
    const environment = await environmentOf(db, input);
    const folder = await findFolder(db, environment.id, path);
    if (!folder) return;
    for (const key of keys) {
      const row = await lockSecret(db, folder.id, key, 'shared', null);
      if (!row || (input.rotationId && row.managed_by_rotation_id === input.rotationId)) continue;
      if (row.managed_by_rotation_id) throw await managedSecretError(deps, key, row.managed_by_rotation_id);
      throw conflict(
        `Secret '${key}' already exists in ${location(environment.slug, path)}; map the rotation to another name, or delete that secret first`,
      );
    }
  }

  /**
   * Writes a rotation's values: creates missing secrets (and folders) or updates the ones the rotation
   * owns, each with a new version attributed to `actor`, and marks them managed by `rotationId`. A key
   * that exists but belongs to nobody or to another rotation is a 409: call `assertKeysAvailable` first.
   */
  async function writeManagedSecrets(
    trx: Executor,
    input: ManagedSecretsTarget & { rotationId: string; values: Record<string, string>; actor: Actor },
  ): Promise<ManagedSecretRef[]> {
    const path = checkedPath(input.secretPath);
    const keys = checkedKeys(Object.keys(input.values));
    for (const key of keys) {
      const value = input.values[key] ?? '';
      if (byteLength(value) > SECRET_VALUE_MAX_BYTES) {
        throw badRequest(`Value for secret '${key}' is larger than the ${formatBytes(SECRET_VALUE_MAX_BYTES)} limit`);
      }
    }
    const environment = await environmentOf(trx, input);
    await keyring.warm(input.orgId);
    const folder = await ensureFolderPath(trx, deps, environment, path);
    const scope: WriteScope = { trx, orgId: input.orgId, environment, folder, actor: input.actor, now: clock.now() };
    const written: ManagedSecretRef[] = [];
    for (const key of keys) {
      const value = input.values[key] ?? '';
      const row = await lockSecret(trx, folder.id, key, 'shared', null);
      if (!row) {
        const view = await ops.insertNew(scope, { key, value }, { rotationId: input.rotationId, change: 'rotated' });
        written.push({ id: view.id, key, version: view.version, environment: environment.slug, secretPath: path });
        continue;
      }
      if (row.managed_by_rotation_id !== input.rotationId) {
        if (row.managed_by_rotation_id) throw await managedSecretError(deps, key, row.managed_by_rotation_id);
        throw conflict(`Secret '${key}' in ${location(environment.slug, path)} exists and is not managed by rotation ${input.rotationId}`);
      }
      const view = await ops.applyChanges(scope, row, { value }, 'rotated', input.rotationId);
      written.push({ id: view.id, key, version: view.version, environment: environment.slug, secretPath: path });
    }
    await audit.record(
      {
        actor: input.actor,
        orgId: input.orgId,
        projectId: input.projectId,
        eventType: 'secret-rotation-write-secrets',
        resourceType: 'secret-rotation',
        resourceId: input.rotationId,
        metadata: { environment: environment.slug, secretPath: path, secrets: written.map(({ id, key, version }) => ({ secretId: id, secretKey: key, secretVersion: version })) },
      },
      trx,
    );
    return written;
  }

  /** The secrets `rotationId` owns (locked for update within the caller's transaction). */
  async function listManagedSecrets(trx: Executor, rotationId: string): Promise<ManagedSecretRef[]> {
    return (await selectManagedSecrets(trx, rotationId)).map(refOf);
  }

  /**
   * Hands a rotation's secrets back to people (the rotation is deleted but its secrets are kept, or
   * keys were dropped from its mapping): values stay, edits are allowed again. `keys` limits it to some.
   */
  async function releaseManagedSecrets(trx: Executor, rotationId: string, options: { keys?: string[] } = {}): Promise<ManagedSecretRef[]> {
    const rows = (await selectManagedSecrets(trx, rotationId)).filter((row) => !options.keys || options.keys.includes(row.key));
    const now = clock.now();
    for (const row of rows) await updateSecret(trx, row.id, { managed_by_rotation_id: null, updated_at: now });
    return rows.map(refOf);
  }

  /**
   * Deletes the secrets `rotationId` owns (the rotation is deleted with "delete secrets"), their versions
   * with them, and records one audit event attributed to `actor`.
   */
  async function deleteManagedSecrets(trx: Executor, rotationId: string, actor: Actor): Promise<ManagedSecretRef[]> {
    const rows = await selectManagedSecrets(trx, rotationId);
    for (const row of rows) {
      await deleteSecretRows(trx, { folderId: row.folder_id, key: row.key, type: 'personal' });
      await deleteSecretRows(trx, { id: row.id });
    }
    const first = rows[0];
    if (first) {
      await audit.record(
        {
          actor,
          orgId: actor.orgId,
          projectId: first.project_id,
          eventType: 'delete-secrets',
          resourceType: 'secret-rotation',
          resourceId: rotationId,
          metadata: { reason: 'secret rotation deleted', secrets: rows.map((row) => ({ secretId: row.id, secretKey: row.key, environment: row.environment_slug, secretPath: row.folder_path })) },
        },
        trx,
      );
    }
    return rows.map(refOf);
  }

  return { assertKeysAvailable, writeManagedSecrets, listManagedSecrets, releaseManagedSecrets, deleteManagedSecrets };
}

export type ManagedSecrets = ReturnType<typeof createManagedSecrets>;
