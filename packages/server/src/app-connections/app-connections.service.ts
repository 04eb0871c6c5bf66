import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { AuditEvent, AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Keyring } from '../crypto/keyring.js';
import { type Db, isUniqueViolation } from '../db/database.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { type AppConnectionRow, createAppConnectionsRepo } from './app-connections.repo.js';
import type { AppConnectionDto } from './app-connections.schemas.js';
import { type AppConnectionApp, azureConnectionMethods } from './app-connections.tables.js';
import {
  type AzureCredentialsInput,
  azureCredentialsInputByMethod,
  type CreateAzureConnectionInput,
  type UpdateAzureConnectionInput,
} from './azure-client-secrets/azure-client-secrets.schemas.js';
import {
  type AzureConnectionHandle,
  type AzureSettings,
  createAzureConnectionCache,
  proveCredentials,
  providerFailure,
  requireOAuthApp,
} from './azure-client-secrets/azure-connection.js';
import { openCredentials, publicCredentials, sealCredentials } from './azure-client-secrets/azure-credentials.js';
import { buildAuthorizeUrl } from './azure-client-secrets/azure-oauth.js';
import { createOAuthStateCodec } from './azure-client-secrets/oauth-state.js';

export type AppConnectionsServiceDeps = {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  logger: FastifyBaseLogger;
  azure: AzureSettings;
};

const azureApp: AppConnectionApp = 'azure-client-secrets';

/** Who did it and from where, for the audit log. */
export type Caller = { actor: Actor; origin: RequestOrigin };

function notFoundById(connectionId: string): AppError {
  return notFound(`Could not find App Connection with ID "${connectionId}"`);
}

export function createAppConnectionsService(deps: AppConnectionsServiceDeps) {
  const repo = createAppConnectionsRepo(deps.db);
  const cache = createAzureConnectionCache({ settings: deps.azure, repo, keyring: deps.keyring, logger: deps.logger });
  const oauthState = createOAuthStateCodec({ keyring: deps.keyring, clock: deps.clock, ids: deps.ids });

  async function toDto(row: AppConnectionRow): Promise<AppConnectionDto> {
    const credentials = await openCredentials(deps.keyring, row.org_id, row.id, row.encrypted_credentials);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      app: row.app,
      method: row.method,
      credentials: publicCredentials(credentials),
      version: row.version,
      orgId: row.org_id,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  function event(caller: Caller, eventType: string, connectionId: string | null, metadata: Record<string, unknown>): AuditEvent {
    return {
      actor: caller.actor,
      orgId: caller.actor.orgId,
      eventType,
      resourceType: 'app-connection',
      resourceId: connectionId,
      metadata,
      origin: caller.origin,
    };
  }

  async function findAzure(orgId: string, connectionId: string): Promise<AppConnectionRow> {
    const row = await repo.findById(orgId, connectionId);
    if (!row) throw notFoundById(connectionId);
    if (row.app !== azureApp) throw badRequest(`App Connection with ID "${connectionId}" is not an Azure Client Secrets connection`);
    return row;
  }

  function nameTaken(name: string): AppError {
    return conflict(`An app connection named "${name}" already exists in this organization; choose another name`);
  }

  return {
    options() {
      return [
        {
          name: 'Azure Client Secrets',
          app: azureApp,
          methods: [...azureConnectionMethods],
          oauthClientId: deps.azure.oauthApp?.clientId ?? null,
        },
      ];
    },

    async list(caller: Caller, app?: AppConnectionApp): Promise<AppConnectionDto[]> {
      const rows = await repo.list(caller.actor.orgId, app);
      const connections = await Promise.all(rows.map(toDto));
      deps.audit.enqueue(
        event(caller, 'get-app-connections', null, { ...(app ? { app } : {}), count: rows.length, connectionIds: rows.map((row) => row.id) }),
      );
      return connections;
    },

    /** Connections the caller may use in a rotation: ids and names only. */
    async available(orgId: string, app: AppConnectionApp) {
      const rows = await repo.list(orgId, app);
      return rows.map((row) => ({ id: row.id, name: row.name, app: row.app, orgId: row.org_id }));
    },

    async get(caller: Caller, by: { id: string } | { name: string }): Promise<AppConnectionDto> {
      const row = 'id' in by ? await repo.findById(caller.actor.orgId, by.id) : await repo.findByName(caller.actor.orgId, by.name);
      if (!row || row.app !== azureApp) {
        throw 'id' in by ? notFoundById(by.id) : notFound(`Could not find App Connection with name "${by.name}"`);
      }
      deps.audit.enqueue(event(caller, 'get-app-connection', row.id, { connectionId: row.id, name: row.name, app: row.app }));
      return toDto(row);
    },

    async createAzure(caller: Caller, input: CreateAzureConnectionInput): Promise<AppConnectionDto> {
      const orgId = caller.actor.orgId;
      if (await repo.findByName(orgId, input.name)) throw nameTaken(input.name);
      const proven = await proveCredentials(input, { settings: deps.azure, oauthState, clock: deps.clock, actor: caller.actor });
      const id = deps.ids.uuid();
      const now = deps.clock.now();
      const sealed = await sealCredentials(deps.keyring, orgId, id, proven.credentials);
      let row: AppConnectionRow;
      try {
        row = await deps.db.transaction().execute(async (trx) => {
          const inserted = await repo.insert(trx, {
            id,
            org_id: orgId,
            name: input.name,
            description: input.description ?? null,
            app: azureApp,
            method: input.method,
            encrypted_credentials: sealed,
            created_at: now,
            updated_at: now,
          });
          const metadata = { name: input.name, method: input.method, app: azureApp, connectionId: id };
          await deps.audit.record(event(caller, 'create-app-connection', id, metadata), trx);
          return inserted;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
      cache.remember(row, proven);
      return toDto(row);
    },

    async updateAzure(caller: Caller, connectionId: string, input: UpdateAzureConnectionInput): Promise<AppConnectionDto> {
      const orgId = caller.actor.orgId;
      const existing = await findAzure(orgId, connectionId);
      if (input.method && input.method !== existing.method) {
        throw badRequest(`The method of a connection cannot change (it is ${existing.method}); create a new connection instead`);
      }
      let proven: Awaited<ReturnType<typeof proveCredentials>> | undefined;
      if (input.credentials) {
        const schema = azureCredentialsInputByMethod[existing.method];
        const parsed = schema.safeParse(input.credentials);
        if (!parsed.success) {
          const details = parsed.error.issues.map((issue) => ({ path: ['body', 'credentials', ...issue.path].join('.'), message: issue.message }));
          throw badRequest(`credentials do not match the connection's method (${existing.method})`, details);
        }
        const typed = { method: existing.method, credentials: parsed.data } as AzureCredentialsInput;
        proven = await proveCredentials(typed, { settings: deps.azure, oauthState, clock: deps.clock, actor: caller.actor });
      }
      const sealed = proven ? await sealCredentials(deps.keyring, orgId, connectionId, proven.credentials) : undefined;
      let row: AppConnectionRow;
      try {
        row = await deps.db.transaction().execute(async (trx) => {
          const locked = await repo.findByIdForUpdate(trx, orgId, connectionId);
          if (!locked) throw notFoundById(connectionId);
          const patch = {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(sealed ? { encrypted_credentials: sealed } : {}),
            updated_at: deps.clock.now(),
          };
          const updated = await repo.update(trx, connectionId, patch, sealed !== undefined);
          const metadata = { name: updated.name, description: updated.description, credentialsUpdated: sealed !== undefined, connectionId };
          await deps.audit.record(event(caller, 'update-app-connection', connectionId, metadata), trx);
          return updated;
        });
      } catch (error) {
        if (isUniqueViolation(error) && input.name) throw nameTaken(input.name);
        throw error;
      }
      if (proven) cache.remember(row, proven);
      return toDto(row);
    },

    /** Refused while a secret rotation uses the connection: deleting it would silently stop their rotations. */
    async deleteAzure(caller: Caller, connectionId: string): Promise<AppConnectionDto> {
      const orgId = caller.actor.orgId;
      await findAzure(orgId, connectionId);
      const deleted = await deps.db.transaction().execute(async (trx) => {
        const row = await repo.findByIdForUpdate(trx, orgId, connectionId);
        if (!row) throw notFoundById(connectionId);
        const rotations = await repo.rotationsUsingConnection(connectionId, trx);
        if (rotations.length > 0) {
          const names = rotations.map((rotation) => `"${rotation.name}"`).join(', ');
          throw new AppError(
            'conflict',
            `App connection "${row.name}" is used by ${rotations.length} secret rotation${rotations.length === 1 ? '' : 's'} (${names}); delete those rotations or move them to another connection first`,
            { details: rotations.map((rotation) => ({ path: `secretRotations.${rotation.id}`, message: rotation.name })) },
          );
        }
        const dto = await toDto(row);
        await repo.delete(trx, connectionId);
        const metadata = { connectionId, name: row.name, app: row.app, method: row.method };
        await deps.audit.record(event(caller, 'delete-app-connection', connectionId, metadata), trx);
        return dto;
      }).catch((error: unknown) => {
        // The rotations table's foreign key is the backstop for a rotation created while this ran.
        if ((error as { code?: unknown } | null)?.code === '23503') {
          throw conflict('The app connection is used by a secret rotation; delete that rotation first');
        }
        throw error;
      });
      cache.forget(connectionId);
      return deleted;
    },

    /** Every application in the tenant (all Graph pages), for the rotation wizard's application picker. */
    async listClients(orgId: string, connectionId: string): Promise<Array<{ id: string; name: string; appId: string }>> {
      const handle = await cache.resolve(orgId, connectionId);
      try {
        const applications = await handle.graph.listApplications();
        return applications
          .map((application) => ({ id: application.id, name: application.displayName, appId: application.appId }))
          .sort((a, b) => a.name.localeCompare(b.name) || a.appId.localeCompare(b.appId));
      } catch (error) {
        throw providerFailure(error, 'Could not list the applications of the tenant');
      }
    },

    /** Where to send the browser for the OAuth method, with a state that only this caller can redeem. */
    async oauthAuthorizeUrl(actor: Actor, tenantId: string): Promise<{ url: string; state: string; redirectUri: string }> {
      const app = requireOAuthApp(deps.azure);
      const { state, codeChallenge } = await oauthState.start(actor, tenantId);
      return { url: buildAuthorizeUrl(deps.azure.endpoints, app, { tenantId, state, codeChallenge }), state, redirectUri: app.redirectUri };
    },

    /**
     * For the rotation engine: the connection's Graph client. 404 when the connection does not exist or
     * belongs to another organization.
     */
    resolveAzureConnection(orgId: string, connectionId: string): Promise<AzureConnectionHandle> {
      return cache.resolve(orgId, connectionId);
    },

    /** For the rotation service: a connection's id, name and app; 404 when it is not in the organization. */
    async describeConnection(orgId: string, connectionId: string): Promise<{ id: string; name: string; app: AppConnectionApp }> {
      const row = await repo.findById(orgId, connectionId);
      if (!row) throw notFoundById(connectionId);
      return { id: row.id, name: row.name, app: row.app };
    },

    /** Names of the rotations that still use a connection (empty when none, or before rotations exist). */
    rotationsUsingConnection(connectionId: string) {
      return repo.rotationsUsingConnection(connectionId);
    },
  };
}

export type AppConnectionsService = ReturnType<typeof createAppConnectionsService>;
