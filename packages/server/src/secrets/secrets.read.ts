import type { AuditTemplate } from '../audit/audit.types.js';
import { actorCacheKey } from '../auth/actor.js';
import { noReadCaches } from '../db/read-cache.js';
import { notFound } from '../http/errors.js';
import type { ProjectAccess } from '../permissions/permissions.types.js';
import { findFolder } from './folders.repo.js';
import { isUuid } from './validation.js';
import { selectImportsAt } from './imports.repo.js';
import { createReferenceExpander, hasReferences, type ReferenceExpander, type SecretLocation } from './references.js';
import {
  type CallContext,
  type ProjectRef,
  type SecretsDeps,
  location,
  ownerOf,
  resolveProject,
} from './secrets.context.js';
import { type SecretRow, selectSecrets, selectVersion } from './secrets.repo.js';
import type { SecretType } from './secrets.tables.js';
import {
  type SecretView,
  applyPersonalOverrides,
  openRow,
  toSecretView,
  versionCommentAad,
  versionValueAad,
} from './secrets.view.js';

/** Imports of imports are followed this deep; Infisical stops at a similar small depth. */
export const MAX_IMPORT_DEPTH = 5;

export type ReadOptions = {
  /** Expand `${...}` references (Infisical's `expandSecretReferences`). */
  expandReferences?: boolean;
  /** False hides values (Infisical's `viewSecretValue=false`): nothing is decrypted. */
  viewSecretValue?: boolean;
};

export type ListSecretsInput = CallContext &
  ReadOptions & {
    project: ProjectRef;
    environment: string;
    secretPath: string;
    recursive?: boolean;
    includeImports?: boolean;
    tagSlugs?: string[];
  };

export type ImportedSecrets = { secretPath: string; environment: string; folderId: string; secrets: SecretView[] };
export type ListSecretsResult = { secrets: SecretView[]; imports?: ImportedSecrets[] };

export type GetSecretInput = CallContext &
  ReadOptions & {
    project: ProjectRef;
    environment: string;
    secretPath: string;
    key: string;
    /** Omitted: the reader's personal override when there is one, else the shared secret. */
    type?: SecretType;
    version?: number;
    includeImports?: boolean;
  };

type ImportLocation = SecretLocation & { folderId: string };

/** A listing as cached per actor and request shape, with its read event encoded once (audit.types.ts). */
type Listing = { result: ListSecretsResult; auditTemplate: AuditTemplate };

function locationKey(environment: string, path: string): string {
  return `${environment}\u0000${path}`;
}

export function createSecretReader(deps: SecretsDeps) {
  const { db, keyring, audit } = deps;
  // Decrypted listings, per actor and request shape, until a committed change to secrets, folders,
  // imports, tags, memberships or roles (db/read-cache.ts). Bounded: a listing can hold many values.
  const listings = (deps.caches ?? noReadCaches).create<Listing>(1_000);

  /** Reference expansion for one request, reusing rows the request already loaded. */
  function expanderFor(access: ProjectAccess, ownerId: string | null, loaded: SecretRow[]): ReferenceExpander {
    const byLocation = new Map<string, SecretRow[]>();
    for (const row of loaded) {
      const id = locationKey(row.environment_slug, row.folder_path);
      const rows = byLocation.get(id);
      if (rows) rows.push(row);
      else byLocation.set(id, [row]);
    }
    return createReferenceExpander({
      canRead: (where) => access.can('secrets', 'read', { environment: where.environment, secretPath: where.secretPath }),
      load: async (where) => {
        const rows =
          byLocation.get(locationKey(where.environment, where.secretPath)) ??
          (await selectSecrets(db, { projectId: access.projectId, environment: where.environment, path: where.secretPath, ownerId }));
        return new Map(applyPersonalOverrides(rows).map((row) => [row.key, openRow(keyring, access.orgId, row).value]));
      },
    });
  }

  async function views(access: ProjectAccess, rows: SecretRow[], options: ReadOptions, expander: () => ReferenceExpander) {
    const isHidden = options.viewSecretValue === false;
    const result: SecretView[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as SecretRow;
      const plain = isHidden ? null : openRow(keyring, access.orgId, row);
      if (plain && options.expandReferences && hasReferences(plain.value)) {
        const where = { environment: row.environment_slug, secretPath: row.folder_path };
        plain.value = await expander().expand(plain.value, where, row.key);
      }
      result[i] = toSecretView(row, plain);
    }
    return result;
  }

  /** Folders a folder imports, depth first, readable ones only, each once, existing ones only. */
  async function importLocations(access: ProjectAccess, environment: string, path: string): Promise<ImportLocation[]> {
    const seen = new Set([locationKey(environment, path)]);
    const found: ImportLocation[] = [];
    async function visit(env: string, at: string, depth: number): Promise<void> {
      for (const row of await selectImportsAt(db, access.projectId, env, at)) {
        const where = { environment: row.import_environment_slug, secretPath: row.import_path };
        const id = locationKey(where.environment, where.secretPath);
        if (seen.has(id)) continue;
        seen.add(id);
        // An import the reader may not read is left out, as a folder they may not read is.
        if (!access.can('secrets', 'read', where)) continue;
        const folder = await findFolder(db, row.import_environment_id, row.import_path);
        if (!folder) continue;
        found.push({ ...where, folderId: folder.id });
        if (depth < MAX_IMPORT_DEPTH) await visit(where.environment, where.secretPath, depth + 1);
      }
    }
    await visit(environment, path, 1);
    return found;
  }

  /** The listing and the project it belongs to; `list` caches it per actor and request shape. */
  async function loadList(input: ListSecretsInput): Promise<Listing> {
    const ownerId = ownerOf(input.actor)?.id ?? null;
    const scope = (projectId: string) => ({
      projectId,
      environment: input.environment,
      path: input.secretPath,
      recursive: input.recursive === true,
      ownerId,
      ...(input.tagSlugs ? { tagSlugs: input.tagSlugs } : {}),
    });
    // The hot path: when the project is named by id, the secrets query runs while permissions resolve, so
    // the request waits for one round trip instead of two. Its rows are used only once access is proven.
    const early = 'projectId' in input.project && isUuid(input.project.projectId) ? selectSecrets(db, scope(input.project.projectId)) : null;
    early?.catch(() => undefined);
    const access = await resolveProject(deps.permissions, input.actor, input.project);
    const target = { environment: input.environment, secretPath: input.secretPath };
    // A recursive read filters folder by folder below; a plain read is all-or-nothing.
    if (!input.recursive) access.assert('secrets', 'read', target);
    await keyring.warm(access.orgId);
    let rows = early && 'projectId' in input.project && input.project.projectId === access.projectId ? await early : await selectSecrets(db, scope(access.projectId));
    if (input.recursive) {
      const readable = new Map<string, boolean>();
      rows = rows.filter((row) => {
        let can = readable.get(row.folder_path);
        if (can === undefined) {
          can = access.can('secrets', 'read', { environment: input.environment, secretPath: row.folder_path });
          readable.set(row.folder_path, can);
        }
        return can;
      });
    }
    rows = applyPersonalOverrides(rows);
    let expander: ReferenceExpander | undefined;
    const lazyExpander = () => {
      // A tag filter leaves out secrets that references may still name, so then nothing is reused.
      expander ??= expanderFor(access, ownerId, input.tagSlugs ? [] : rows);
      return expander;
    };
    const secrets = await views(access, rows, input, lazyExpander);
    const result: ListSecretsResult = { secrets };
    if (input.includeImports) {
      result.imports = [];
      for (const where of await importLocations(access, input.environment, input.secretPath)) {
        const imported = applyPersonalOverrides(
          await selectSecrets(db, { projectId: access.projectId, environment: where.environment, path: where.secretPath, ownerId }),
        );
        result.imports.push({
          secretPath: where.secretPath,
          environment: where.environment,
          folderId: where.folderId,
          secrets: await views(access, imported, input, lazyExpander),
        });
      }
    }
    const auditTemplate = audit.template({
      actor: input.actor,
      orgId: access.orgId,
      projectId: access.projectId,
      eventType: 'get-secrets',
      metadata: {
        environment: input.environment,
        secretPath: input.secretPath,
        recursive: input.recursive === true,
        numberOfSecrets: result.secrets.length,
        ...(result.imports ? { numberOfImports: result.imports.length } : {}),
      },
    });
    return { result, auditTemplate };
  }

  /** Everything about a list request that decides its answer, for the listing cache. */
  function listingKey(input: ListSecretsInput): string {
    const project = 'projectId' in input.project ? `id:${input.project.projectId}` : `slug:${input.project.projectSlug}`;
    // Free-form parts are length-prefixed, so no value can pass for another part (cheaper than JSON per read).
    const tags = input.tagSlugs ? input.tagSlugs.map((tag) => `${tag.length}:${tag}`).join('') : '';
    return (
      `${actorCacheKey(input.actor)}|${project.length}:${project}|${input.environment.length}:${input.environment}` +
      `|${input.secretPath.length}:${input.secretPath}|${input.recursive === true ? 'r' : ''}${input.includeImports === true ? 'i' : ''}` +
      `${input.expandReferences === true ? 'x' : ''}${input.viewSecretValue !== false ? 'v' : ''}|${tags}`
    );
  }

  function auditListing(input: ListSecretsInput, listing: Listing): ListSecretsResult {
    audit.enqueueFromTemplate(listing.auditTemplate, input.origin);
    return listing.result;
  }

  async function list(input: ListSecretsInput): Promise<ListSecretsResult> {
    return auditListing(input, await listings.through(listingKey(input), () => loadList(input)));
  }

  /** `list`'s answer when it is cached (audited the same way), synchronously; undefined when it is not. */
  function listFromCache(input: ListSecretsInput): ListSecretsResult | undefined {
    const cached = listings.peek(listingKey(input));
    return cached && auditListing(input, cached);
  }

  function pick(rows: SecretRow[], type: SecretType | undefined): SecretRow | undefined {
    if (type === 'personal') return rows.find((row) => row.type === 'personal');
    if (type === 'shared') return rows.find((row) => row.type === 'shared');
    return rows.find((row) => row.type === 'personal') ?? rows.find((row) => row.type === 'shared');
  }

  async function get(input: GetSecretInput): Promise<SecretView> {
    const access = await resolveProject(deps.permissions, input.actor, input.project);
    access.assert('secrets', 'read', { environment: input.environment, secretPath: input.secretPath });
    await keyring.warm(access.orgId);
    const ownerId = ownerOf(input.actor)?.id ?? null;
    const scope = { projectId: access.projectId, ownerId, keys: [input.key] };
    let row = pick(await selectSecrets(db, { ...scope, environment: input.environment, path: input.secretPath }), input.type);
    if (!row && input.includeImports) {
      for (const where of await importLocations(access, input.environment, input.secretPath)) {
        row = pick(await selectSecrets(db, { ...scope, environment: where.environment, path: where.secretPath }), input.type);
        if (row) break;
      }
    }
    if (!row) {
      const kind = input.type === 'personal' ? 'Personal secret' : 'Secret';
      throw notFound(`${kind} '${input.key}' not found in ${location(input.environment, input.secretPath)}`);
    }
    let view: SecretView;
    if (input.version !== undefined && input.version !== row.version) {
      const old = await selectVersion(db, row.id, input.version);
      if (!old) throw notFound(`Secret '${input.key}' has no version ${input.version} (latest is ${row.version})`);
      const plain =
        input.viewSecretValue === false
          ? null
          : {
              value: keyring.decryptTextSync(access.orgId, versionValueAad(old.id), old.encrypted_value),
              comment: old.encrypted_comment ? keyring.decryptTextSync(access.orgId, versionCommentAad(old.id), old.encrypted_comment) : '',
            };
      view = { ...toSecretView(row, plain), version: old.version, secretKey: old.key };
    } else {
      view = toSecretView(row, input.viewSecretValue === false ? null : openRow(keyring, access.orgId, row));
    }
    if (input.expandReferences && !view.secretValueHidden && hasReferences(view.secretValue)) {
      const where = { environment: view.environment, secretPath: view.secretPath };
      view.secretValue = await expanderFor(access, ownerId, []).expand(view.secretValue, where, view.secretKey);
    }
    audit.enqueue({
      actor: input.actor,
      orgId: access.orgId,
      projectId: access.projectId,
      eventType: 'get-secret',
      resourceType: 'secret',
      resourceId: row.id,
      metadata: { environment: view.environment, secretPath: view.secretPath, secretKey: view.secretKey, secretVersion: view.version },
      ...(input.origin ? { origin: input.origin } : {}),
    });
    return view;
  }

  return { list, listFromCache, get };
}

export type SecretReader = ReturnType<typeof createSecretReader>;
