import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { ReadCaches } from '../db/read-cache.js';
import type { Database } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService, ProjectAccess } from '../permissions/permissions.types.js';
import { ensureFolderPath, findEnvironment, findFolder, type EnvironmentRow, type FolderRow } from './folders.repo.js';

/** Everything the secrets domain needs; wired once in app.ts. */
export type SecretsDeps = {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  permissions: PermissionService;
  /**
   * Optional: a human name for a rotation, so "this secret is managed" errors can name it. The rotation
   * domain may provide it; without it the message names the rotation id.
   */
  describeRotation?: (rotationId: string) => Promise<string | null>;
  /** Read caches for hot listings; without them every read goes to the database. */
  caches?: ReadCaches;
};

/** A transaction or the database itself; repo functions accept either. */
export type Executor = Kysely<Database>;

/** Infisical clients name the project by id (`workspaceId`, newer `projectId`) or by `workspaceSlug`. */
export type ProjectRef = { projectId: string } | { projectSlug: string };

/** Who is calling and from where: every service call that reads or writes carries it for permissions and audit. */
export type CallContext = { actor: Actor; origin?: RequestOrigin };

export function resolveProject(permissions: PermissionService, actor: Actor, ref: ProjectRef): Promise<ProjectAccess> {
  return 'projectId' in ref ? permissions.forProject(actor, ref.projectId) : permissions.forProjectSlug(actor, ref.projectSlug);
}

/** The id a personal secret is owned by: the user or the machine identity. The system owns none. */
export function ownerOf(actor: Actor): { type: 'user' | 'identity'; id: string } | null {
  if (actor.type === 'user') return { type: 'user', id: actor.userId };
  if (actor.type === 'identity') return { type: 'identity', id: actor.identityId };
  return null;
}

export function actorName(actor: Actor): string {
  if (actor.type === 'user') return actor.email;
  if (actor.type === 'identity') return actor.name;
  return `system (${actor.reason})`;
}

export async function requireEnvironment(db: Executor, projectId: string, slug: string): Promise<EnvironmentRow> {
  const environment = await findEnvironment(db, projectId, slug);
  if (!environment) {
    throw notFound(`Environment '${slug}' does not exist in this project; create it first or use one of the project's environment slugs`);
  }
  return environment;
}

/** The folder at `path`; the root is created on first use, any other missing folder is a 404. */
export async function requireFolder(
  deps: Pick<SecretsDeps, 'ids' | 'clock'>,
  db: Executor,
  environment: EnvironmentRow,
  path: string,
): Promise<FolderRow> {
  const folder = await findFolder(db, environment.id, path);
  if (folder) return folder;
  if (path === '/') return ensureFolderPath(db, deps, environment, '/');
  throw notFound(
    `Folder '${path}' does not exist in environment '${environment.slug}'; create it first (POST /api/v1/folders)`,
  );
}

/**
 * "is managed by secret rotation X" errors, naming the rotation: through `describeRotation` when given,
 * else by reading the rotation's name (error path only; a rotation not yet committed is named by id).
 */
export async function managedSecretError(deps: Pick<SecretsDeps, 'describeRotation' | 'db'>, key: string, rotationId: string): Promise<AppError> {
  const lookup = deps.describeRotation
    ? deps.describeRotation(rotationId)
    : deps.db
        .selectFrom('secret_rotations')
        .select('name')
        .where('id', '=', rotationId)
        .executeTakeFirst()
        .then((row) => row?.name ?? null);
  const name = await lookup.catch(() => null);
  const which = name ? `'${name}' (${rotationId})` : rotationId;
  return new AppError(
    'conflict',
    `Secret '${key}' is managed by secret rotation ${which}: change it through the rotation (rotate it, or edit its secret mapping), or delete the rotation first`,
  );
}

export function location(environment: string, secretPath: string): string {
  return `environment '${environment}' at path '${secretPath}'`;
}
