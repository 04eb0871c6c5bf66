import type { Executor } from './secrets.context.js';

/** SQL for secret imports. */

export type ImportRow = {
  id: string;
  project_id: string;
  folder_id: string;
  import_environment_id: string;
  import_environment_slug: string;
  import_environment_name: string;
  import_path: string;
  position: number;
  created_at: Date;
  updated_at: Date;
};

function selectImports(db: Executor) {
  return db
    .selectFrom('secret_imports as i')
    .innerJoin('project_environments as ie', 'ie.id', 'i.import_environment_id')
    .select([
      'i.id',
      'i.project_id',
      'i.folder_id',
      'i.import_environment_id',
      'ie.slug as import_environment_slug',
      'ie.name as import_environment_name',
      'i.import_path',
      'i.position',
      'i.created_at',
      'i.updated_at',
    ]);
}

/** The imports of the folder at (environment slug, path), in position order; none when it does not exist. */
export function selectImportsAt(db: Executor, projectId: string, environment: string, path: string): Promise<ImportRow[]> {
  return selectImports(db)
    .innerJoin('secret_folders as f', 'f.id', 'i.folder_id')
    .innerJoin('project_environments as fe', 'fe.id', 'f.environment_id')
    .where('fe.project_id', '=', projectId)
    .where('fe.slug', '=', environment)
    .where('f.path', '=', path)
    .orderBy('i.position')
    .execute();
}

export function selectImportById(db: Executor, id: string): Promise<ImportRow | undefined> {
  return selectImports(db).where('i.id', '=', id).executeTakeFirst();
}

export async function nextImportPosition(db: Executor, folderId: string): Promise<number> {
  const row = await db
    .selectFrom('secret_imports')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('folder_id', '=', folderId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

export async function insertImport(
  db: Executor,
  row: {
    id: string;
    project_id: string;
    folder_id: string;
    import_environment_id: string;
    import_path: string;
    position: number;
    created_at: Date;
    updated_at: Date;
  },
): Promise<void> {
  await db.insertInto('secret_imports').values(row).execute();
}

export async function deleteImport(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('secret_imports').where('id', '=', id).execute();
}
