import { isUniqueViolation } from '../db/database.js';
import { conflict, notFound } from '../http/errors.js';
import type { CallContext, SecretsDeps } from './secrets.context.js';
import { isUuid } from './validation.js';

/** Infisical's project tag object (`workspaceTag`). */
export type TagView = { id: string; slug: string; name: string; color: string | null; workspace: string; createdAt: string; updatedAt: string };

type TagRow = { id: string; project_id: string; slug: string; name: string; color: string | null; created_at: Date; updated_at: Date };

function toTagView(row: TagRow): TagView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    color: row.color,
    workspace: row.project_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Project tags for secrets (`tagIds` on writes, `tagSlugs` on lists). Managing tags is part of managing
 * secrets, so it needs the secrets permission somewhere in the project.
 */
export function createTagsService(deps: SecretsDeps) {
  const { db, clock, ids, audit } = deps;

  async function list(ctx: CallContext, projectId: string): Promise<TagView[]> {
    const access = await deps.permissions.forProject(ctx.actor, projectId);
    access.assert('secrets', 'read');
    const rows = await db.selectFrom('secret_tags').selectAll().where('project_id', '=', access.projectId).orderBy('slug').execute();
    return rows.map(toTagView);
  }

  async function create(ctx: CallContext, projectId: string, input: { slug: string; name?: string; color?: string | null }): Promise<TagView> {
    const access = await deps.permissions.forProject(ctx.actor, projectId);
    access.assert('secrets', 'create');
    const now = clock.now();
    const row: TagRow = {
      id: ids.uuid(),
      project_id: access.projectId,
      slug: input.slug,
      name: input.name ?? input.slug,
      color: input.color ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('secret_tags').values(row).execute();
        const origin = ctx.origin ? { origin: ctx.origin } : {};
        await audit.record(
          { actor: ctx.actor, orgId: access.orgId, projectId: access.projectId, eventType: 'create-tag', resourceType: 'tag', resourceId: row.id, metadata: { slug: row.slug }, ...origin },
          trx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A tag with slug '${input.slug}' already exists in this project`);
      throw error;
    }
    return toTagView(row);
  }

  async function remove(ctx: CallContext, projectId: string, tagId: string): Promise<TagView> {
    const access = await deps.permissions.forProject(ctx.actor, projectId);
    access.assert('secrets', 'delete');
    return db.transaction().execute(async (trx) => {
      const row = isUuid(tagId)
        ? await trx.selectFrom('secret_tags').selectAll().where('id', '=', tagId).where('project_id', '=', access.projectId).executeTakeFirst()
        : undefined;
      if (!row) throw notFound(`Tag ${tagId} not found in this project`);
      await trx.deleteFrom('secret_tags').where('id', '=', row.id).execute();
      const origin = ctx.origin ? { origin: ctx.origin } : {};
      await audit.record(
        { actor: ctx.actor, orgId: access.orgId, projectId: access.projectId, eventType: 'delete-tag', resourceType: 'tag', resourceId: row.id, metadata: { slug: row.slug }, ...origin },
        trx,
      );
      return toTagView(row);
    });
  }

  return { list, create, remove };
}

export type TagsService = ReturnType<typeof createTagsService>;
