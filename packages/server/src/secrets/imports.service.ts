import { isUniqueViolation } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { findEnvironment, findFolder } from './folders.repo.js';
import { type ImportRow, deleteImport, insertImport, nextImportPosition, selectImportById, selectImportsAt } from './imports.repo.js';
import { type CallContext, type ProjectRef, type SecretsDeps, requireEnvironment, requireFolder, resolveProject } from './secrets.context.js';
import { isUuid } from './validation.js';

/** Infisical's secret-import object. Rekey does not replicate imports, hence `isReplication: false`. */
export type SecretImportView = {
  id: string;
  folderId: string;
  importPath: string;
  importEnv: { id: string; name: string; slug: string };
  position: number;
  isReplication: boolean;
  createdAt: string;
  updatedAt: string;
};

function toImportView(row: ImportRow): SecretImportView {
  return {
    id: row.id,
    folderId: row.folder_id,
    importPath: row.import_path,
    importEnv: { id: row.import_environment_id, name: row.import_environment_name, slug: row.import_environment_slug },
    position: row.position,
    isReplication: false,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

type ImportTarget = CallContext & { project: ProjectRef; environment: string; path: string };

/**
 * Secret imports: a folder reads another environment/path's secrets (`include_imports=true`). Creating
 * one requires reading the source, so an import cannot be used to see secrets one may not read.
 */
export function createImportsService(deps: SecretsDeps) {
  const { db, clock, ids, audit } = deps;

  async function create(target: ImportTarget & { source: { environment: string; path: string } }): Promise<SecretImportView> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    access.assert('secret-imports', 'create', { environment: target.environment, secretPath: target.path });
    access.assert('secrets', 'read', { environment: target.source.environment, secretPath: target.source.path });
    if (target.source.environment === target.environment && target.source.path === target.path) {
      throw badRequest('A folder cannot import itself');
    }
    try {
      return await db.transaction().execute(async (trx) => {
        const environment = await requireEnvironment(trx, access.projectId, target.environment);
        const folder = await requireFolder(deps, trx, environment, target.path);
        const sourceEnvironment = await requireEnvironment(trx, access.projectId, target.source.environment);
        if (target.source.path !== '/' && !(await findFolder(trx, sourceEnvironment.id, target.source.path))) {
          throw notFound(`Folder '${target.source.path}' does not exist in environment '${sourceEnvironment.slug}'`);
        }
        const id = ids.uuid();
        const now = clock.now();
        await insertImport(trx, {
          id,
          project_id: access.projectId,
          folder_id: folder.id,
          import_environment_id: sourceEnvironment.id,
          import_path: target.source.path,
          position: await nextImportPosition(trx, folder.id),
          created_at: now,
          updated_at: now,
        });
        const row = await selectImportById(trx, id);
        if (!row) throw new Error('secret import vanished after insert');
        await audit.record(
          {
            actor: target.actor,
            orgId: access.orgId,
            projectId: access.projectId,
            eventType: 'create-secret-import',
            resourceType: 'secret-import',
            resourceId: id,
            metadata: {
              importToEnvironment: environment.slug,
              importToSecretPath: target.path,
              importFromEnvironment: sourceEnvironment.slug,
              importFromSecretPath: target.source.path,
            },
            ...(target.origin ? { origin: target.origin } : {}),
          },
          trx,
        );
        return toImportView(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(`'${target.path}' in '${target.environment}' already imports '${target.source.path}' from '${target.source.environment}'`);
      }
      throw error;
    }
  }

  async function list(target: ImportTarget): Promise<SecretImportView[]> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    access.assert('secret-imports', 'read', { environment: target.environment, secretPath: target.path });
    return (await selectImportsAt(db, access.projectId, target.environment, target.path)).map(toImportView);
  }

  async function remove(target: ImportTarget & { id: string }): Promise<SecretImportView> {
    const access = await resolveProject(deps.permissions, target.actor, target.project);
    access.assert('secret-imports', 'delete', { environment: target.environment, secretPath: target.path });
    return db.transaction().execute(async (trx) => {
      const environment = await findEnvironment(trx, access.projectId, target.environment);
      const folder = environment ? await findFolder(trx, environment.id, target.path) : undefined;
      const row = isUuid(target.id) ? await selectImportById(trx, target.id) : undefined;
      if (!row || !folder || row.folder_id !== folder.id) {
        throw notFound(`Secret import ${target.id} not found in environment '${target.environment}' at path '${target.path}'`);
      }
      await deleteImport(trx, row.id);
      await audit.record(
        {
          actor: target.actor,
          orgId: access.orgId,
          projectId: access.projectId,
          eventType: 'delete-secret-import',
          resourceType: 'secret-import',
          resourceId: row.id,
          metadata: {
            importToEnvironment: target.environment,
            importToSecretPath: target.path,
            importFromEnvironment: row.import_environment_slug,
            importFromSecretPath: row.import_path,
          },
          ...(target.origin ? { origin: target.origin } : {}),
        },
        trx,
      );
      return toImportView(row);
    });
  }

  return { create, list, remove };
}

export type ImportsService = ReturnType<typeof createImportsService>;
