import type { AuditEvent } from '../audit/audit.types.js';
import { isUniqueViolation } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { ProjectAccess } from '../permissions/permissions.types.js';
import {
  type FolderRow,
  ensureFolderPath,
  findEnvironment,
  findFolder,
  findFolderById,
  folderContents,
  listSubfolders,
  renameFolderSubtree,
} from './folders.repo.js';
import {
  type CallContext,
  type Executor,
  type ProjectRef,
  type SecretsDeps,
  managedSecretError,
  requireEnvironment,
  resolveProject,
} from './secrets.context.js';
import { isUuid, joinPath } from './validation.js';

export type FolderView = {
  id: string;
  name: string;
  description: string | null;
  envId: string;
  environment: string;
  parentId: string | null;
  path: string;
  createdAt: string;
  updatedAt: string;
};

function toFolderView(folder: FolderRow, environment: string): FolderView {
  return {
    id: folder.id,
    name: folder.name,
    description: folder.description,
    envId: folder.environment_id,
    environment,
    parentId: folder.parent_id,
    path: folder.path,
    createdAt: folder.created_at.toISOString(),
    updatedAt: folder.updated_at.toISOString(),
  };
}

type FolderTarget = CallContext & { project: ProjectRef; environment: string };
type Event = Omit<AuditEvent, 'actor' | 'orgId' | 'projectId' | 'origin'>;

/** Folders (Infisical's `/api/v1/folders`). Permissions are checked on the path of the folder concerned. */
export function createFoldersService(deps: SecretsDeps) {
  const { db, clock, audit } = deps;

  async function write<T>(target: FolderTarget, run: (trx: Executor, access: ProjectAccess) => Promise<{ result: T; event: Event }>): Promise<T> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    try {
      return await db.transaction().execute(async (trx) => {
        const { result, event } = await run(trx, access);
        const origin = target.origin ? { origin: target.origin } : {};
        await audit.record({ ...event, actor: target.actor, orgId: access.orgId, projectId: access.projectId, ...origin }, trx);
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A folder with that path was created at the same moment by another request');
      throw error;
    }
  }

  /** Creates `name` under `parentPath`, creating missing parents on the way (as Infisical does). */
  function create(target: FolderTarget & { parentPath: string; name: string; description?: string | null }): Promise<FolderView> {
    const path = joinPath(target.parentPath, target.name);
    return write(target, async (trx, access) => {
      access.assert('secret-folders', 'create', { environment: target.environment, secretPath: path });
      const environment = await requireEnvironment(trx, access.projectId, target.environment);
      if (await findFolder(trx, environment.id, path)) throw conflict(`Folder '${path}' already exists in environment '${environment.slug}'`);
      const folder = await ensureFolderPath(trx, deps, environment, path, target.description ?? null);
      return {
        result: toFolderView(folder, environment.slug),
        event: { eventType: 'create-folder', resourceType: 'folder', resourceId: folder.id, metadata: { environment: environment.slug, folderPath: path, folderName: folder.name } },
      };
    });
  }

  /** Sub-folders the caller may read: an unknown environment or path lists nothing (as secret lists do). */
  async function list(target: FolderTarget & { path: string; recursive?: boolean }): Promise<FolderView[]> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    const environment = await findEnvironment(db, access.projectId, target.environment);
    if (!environment) return [];
    const folders = await listSubfolders(db, environment.id, target.path, target.recursive === true);
    return folders
      .filter((folder) => access.can('secret-folders', 'read', { environment: environment.slug, secretPath: folder.path }))
      .map((folder) => toFolderView(folder, environment.slug));
  }

  /** A folder by id, or by name inside `parentPath` (Infisical accepts both in the URL). */
  async function locate(trx: Executor, environmentId: string, idOrName: string, parentPath: string): Promise<FolderRow | undefined> {
    if (isUuid(idOrName)) {
      const folder = await findFolderById(trx, idOrName);
      return folder?.environment_id === environmentId ? folder : undefined;
    }
    return findFolder(trx, environmentId, joinPath(parentPath, idOrName));
  }

  function update(
    target: FolderTarget & { idOrName: string; parentPath: string; name?: string; description?: string | null },
  ): Promise<FolderView> {
    return write(target, async (trx, access) => {
      const environment = await requireEnvironment(trx, access.projectId, target.environment);
      const folder = await locate(trx, environment.id, target.idOrName, target.parentPath);
      if (!folder || folder.path === '/') throw notFound(`Folder '${target.idOrName}' not found in environment '${environment.slug}'`);
      access.assert('secret-folders', 'edit', { environment: environment.slug, secretPath: folder.path });
      const now = clock.now();
      let path = folder.path;
      if (target.name !== undefined && target.name !== folder.name) {
        path = joinPath(folder.path.slice(0, folder.path.length - folder.name.length - 1) || '/', target.name);
        access.assert('secret-folders', 'create', { environment: environment.slug, secretPath: path });
        if (await findFolder(trx, environment.id, path)) throw conflict(`Folder '${path}' already exists in environment '${environment.slug}'`);
        const contents = await folderContents(trx, environment.id, folder.path);
        const managed = contents.managedKeys[0];
        // A rotation writes to a fixed path; moving its secrets would make the next rotation recreate them.
        if (managed) throw await managedSecretError(deps, managed.key, managed.rotationId);
        await renameFolderSubtree(trx, folder, target.name, path, now);
      }
      if (target.description !== undefined) {
        await trx.updateTable('secret_folders').set({ description: target.description, updated_at: now }).where('id', '=', folder.id).execute();
      }
      const updated = (await findFolderById(trx, folder.id)) ?? folder;
      return {
        result: toFolderView(updated, environment.slug),
        event: {
          eventType: 'update-folder',
          resourceType: 'folder',
          resourceId: folder.id,
          metadata: { environment: environment.slug, oldFolderPath: folder.path, folderPath: path, oldFolderName: folder.name, newFolderName: updated.name },
        },
      };
    });
  }

  /** Deletes a folder; one with secrets or sub-folders only with `force`, and never one holding managed secrets. */
  function remove(target: FolderTarget & { idOrName: string; parentPath: string; force?: boolean }): Promise<FolderView> {
    return write(target, async (trx, access) => {
      const environment = await requireEnvironment(trx, access.projectId, target.environment);
      const folder = await locate(trx, environment.id, target.idOrName, target.parentPath);
      if (!folder) throw notFound(`Folder '${target.idOrName}' not found in environment '${environment.slug}'`);
      if (folder.path === '/') throw badRequest('The root folder cannot be deleted');
      access.assert('secret-folders', 'delete', { environment: environment.slug, secretPath: folder.path });
      const contents = await folderContents(trx, environment.id, folder.path);
      const managed = contents.managedKeys[0];
      if (managed) throw await managedSecretError(deps, managed.key, managed.rotationId);
      if ((contents.secrets > 0 || contents.folders > 0) && !target.force) {
        throw conflict(
          `Folder '${folder.path}' is not empty (${contents.secrets} secret(s), ${contents.folders} sub-folder(s)); pass "force": true to delete it with everything in it`,
        );
      }
      // Sub-folders, their secrets and versions go with it (foreign keys cascade).
      await trx.deleteFrom('secret_folders').where('id', '=', folder.id).execute();
      return {
        result: toFolderView(folder, environment.slug),
        event: {
          eventType: 'delete-folder',
          resourceType: 'folder',
          resourceId: folder.id,
          metadata: { environment: environment.slug, folderPath: folder.path, folderName: folder.name, deletedSecrets: contents.secrets, deletedFolders: contents.folders },
        },
      };
    });
  }

  return { create, list, update, remove };
}

export type FoldersService = ReturnType<typeof createFoldersService>;
