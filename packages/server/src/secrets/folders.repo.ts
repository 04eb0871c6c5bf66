import { sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { Executor } from './secrets.context.js';
import { parentPath, pathSegments } from './validation.js';

/** SQL for environments (read only: the projects domain owns them) and folders. No business rules. */

export type EnvironmentRow = { id: string; project_id: string; slug: string; name: string };

export type FolderRow = {
  id: string;
  project_id: string;
  environment_id: string;
  parent_id: string | null;
  name: string;
  path: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
};

const folderColumns = [
  'id',
  'project_id',
  'environment_id',
  'parent_id',
  'name',
  'path',
  'description',
  'created_at',
  'updated_at',
] as const;

export function findEnvironment(db: Executor, projectId: string, slug: string): Promise<EnvironmentRow | undefined> {
  return db
    .selectFrom('project_environments')
    .select(['id', 'project_id', 'slug', 'name'])
    .where('project_id', '=', projectId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export function findEnvironmentById(db: Executor, id: string): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('project_environments').select(['id', 'project_id', 'slug', 'name']).where('id', '=', id).executeTakeFirst();
}

export function findFolder(db: Executor, environmentId: string, path: string): Promise<FolderRow | undefined> {
  return db
    .selectFrom('secret_folders')
    .select(folderColumns)
    .where('environment_id', '=', environmentId)
    .where('path', '=', path)
    .executeTakeFirst();
}

export function findFolderById(db: Executor, id: string): Promise<FolderRow | undefined> {
  return db.selectFrom('secret_folders').select(folderColumns).where('id', '=', id).executeTakeFirst();
}

/**
 * Returns the folder at `path`, creating it and any missing ancestors (the root included). Concurrent
 * creators meet on the (environment_id, path) unique key and all end up with the same rows.
 */
export async function ensureFolderPath(
  db: Executor,
  deps: { ids: Ids; clock: Clock },
  environment: EnvironmentRow,
  path: string,
  description: string | null = null,
): Promise<FolderRow> {
  // Usually the folder is there already (every rotation writes to the same one): one look-up, not one per level.
  const existing = await findFolder(db, environment.id, path);
  if (existing) return existing;
  let current = await findFolder(db, environment.id, '/');
  const prefixes = ['/'];
  for (const segment of pathSegments(path)) {
    const previous = prefixes[prefixes.length - 1] ?? '/';
    prefixes.push(previous === '/' ? `/${segment}` : `${previous}/${segment}`);
  }
  for (const prefix of prefixes) {
    if (prefix !== '/') current = await findFolder(db, environment.id, prefix);
    if (current) continue;
    const now = deps.clock.now();
    const parent = prefix === '/' ? null : await findFolder(db, environment.id, parentPath(prefix));
    await db
      .insertInto('secret_folders')
      .values({
        id: deps.ids.uuid(),
        project_id: environment.project_id,
        environment_id: environment.id,
        parent_id: parent?.id ?? null,
        name: prefix === '/' ? '' : (prefix.split('/').pop() ?? ''),
        path: prefix,
        description: prefix === path ? description : null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['environment_id', 'path']).doNothing())
      .execute();
    current = await findFolder(db, environment.id, prefix);
    if (!current) throw new Error(`folder ${prefix} vanished while it was being created`);
  }
  if (!current) throw new Error('root folder could not be created');
  return current;
}

/** Folders below `path`: direct children, or every descendant when recursive. */
export function listSubfolders(db: Executor, environmentId: string, path: string, recursive: boolean): Promise<FolderRow[]> {
  let query = db.selectFrom('secret_folders').select(folderColumns).where('environment_id', '=', environmentId);
  if (recursive) {
    const prefix = path === '/' ? '/' : `${path}/`;
    query = query.where('path', '!=', '/').where(sql<boolean>`starts_with(path, ${prefix})`).where('path', '!=', path);
  } else {
    const parent = findFolderIdSubquery(environmentId, path);
    query = query.where('parent_id', '=', parent);
  }
  return query.orderBy('path').execute();
}

function findFolderIdSubquery(environmentId: string, path: string) {
  return sql<string>`(select id from secret_folders where environment_id = ${environmentId} and path = ${path})`;
}

/** What lives in a folder and below it: decides whether deleting or renaming it needs care. */
export async function folderContents(
  db: Executor,
  environmentId: string,
  path: string,
): Promise<{ folders: number; secrets: number; managedKeys: { key: string; rotationId: string }[] }> {
  const prefix = path === '/' ? '/' : `${path}/`;
  const inSubtree = sql<boolean>`(f.path = ${path} or starts_with(f.path, ${prefix}))`;
  const folders = await db
    .selectFrom('secret_folders as f')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('f.environment_id', '=', environmentId)
    .where(inSubtree)
    .where('f.path', '!=', path)
    .executeTakeFirstOrThrow();
  const secrets = await db
    .selectFrom('secrets as s')
    .innerJoin('secret_folders as f', 'f.id', 's.folder_id')
    .select(['s.key', 's.managed_by_rotation_id'])
    .where('f.environment_id', '=', environmentId)
    .where(inSubtree)
    .execute();
  const managedKeys = secrets.flatMap((row) => (row.managed_by_rotation_id ? [{ key: row.key, rotationId: row.managed_by_rotation_id }] : []));
  return { folders: Number(folders.n), secrets: secrets.length, managedKeys };
}

/** Moves a folder and everything below it to a new path (a rename), and repoints imports of those paths. */
export async function renameFolderSubtree(
  db: Executor,
  folder: FolderRow,
  newName: string,
  newPath: string,
  now: Date,
): Promise<void> {
  const oldPath = folder.path;
  const prefix = `${oldPath}/`;
  await db
    .updateTable('secret_folders')
    .set({ path: sql<string>`${newPath} || substr(path, ${oldPath.length + 1})`, updated_at: now })
    .where('environment_id', '=', folder.environment_id)
    .where(sql<boolean>`starts_with(path, ${prefix})`)
    .execute();
  await db.updateTable('secret_folders').set({ name: newName, path: newPath, updated_at: now }).where('id', '=', folder.id).execute();
  await db
    .updateTable('secret_imports')
    .set({ import_path: sql<string>`${newPath} || substr(import_path, ${oldPath.length + 1})`, updated_at: now })
    .where('import_environment_id', '=', folder.environment_id)
    .where((eb) => eb.or([eb('import_path', '=', oldPath), sql<boolean>`starts_with(import_path, ${prefix})`]))
    .execute();
}
