import { createFoldersService } from './folders.service.js';
import { createImportsService } from './imports.service.js';
import { createManagedSecrets } from './managed-secrets.js';
import { createSecretOps } from './secret-ops.js';
import type { SecretsDeps } from './secrets.context.js';
import { createSecretReader } from './secrets.read.js';
import { createSecretWriter } from './secrets.write.js';
import { createTagsService } from './tags.service.js';
import { createVersionsService } from './versions.service.js';

export type { SecretsDeps, ProjectRef, CallContext, Executor } from './secrets.context.js';
export type { ManagedSecretRef, ManagedSecretsTarget } from './managed-secrets.js';
export type { SecretView } from './secrets.view.js';

/**
 * The secrets domain: folders, secrets (shared and personal), versions, imports, references and tags,
 * for the HTTP routes; plus the managed-secrets API the rotation engine calls from inside its own
 * transaction:
 *
 * - `assertKeysAvailable(trx, { projectId, orgId, environment: {slug} | {id}, secretPath, keys, rotationId? })`
 *   refuses names that already exist (unless managed by that rotation);
 * - `writeManagedSecrets(trx, { projectId, orgId, environment, secretPath, rotationId, values, actor })`
 *   creates or updates the mapped secrets with a new version each, marked as managed;
 * - `listManagedSecrets(trx, rotationId)`, `releaseManagedSecrets(trx, rotationId, { keys? })` and
 *   `deleteManagedSecrets(trx, rotationId, actor)` for the rotation's lifecycle.
 *
 * While a secret is managed, people cannot edit, rename or delete it (409 naming the rotation), and
 * reads show `isRotatedSecret: true` with the `rotationId`.
 */
export function createSecretsService(deps: SecretsDeps) {
  const ops = createSecretOps(deps);
  const reader = createSecretReader(deps);
  const writer = createSecretWriter(deps, ops);
  const managed = createManagedSecrets(deps, ops);
  return {
    list: reader.list,
    listFromCache: reader.listFromCache,
    get: reader.get,
    create: writer.create,
    update: writer.update,
    remove: writer.remove,
    createMany: writer.createMany,
    updateMany: writer.updateMany,
    removeMany: writer.removeMany,
    versions: createVersionsService(deps, ops),
    folders: createFoldersService(deps),
    imports: createImportsService(deps),
    tags: createTagsService(deps),
    assertKeysAvailable: managed.assertKeysAvailable,
    writeManagedSecrets: managed.writeManagedSecrets,
    listManagedSecrets: managed.listManagedSecrets,
    releaseManagedSecrets: managed.releaseManagedSecrets,
    deleteManagedSecrets: managed.deleteManagedSecrets,
  };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
