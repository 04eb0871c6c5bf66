import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { defaultEngineSettings, type RotationEngineSettings, type RotationLifecycleEvent } from './engine/engine.types.js';
import { createRotationEngine } from './engine/rotation-engine.js';
import { createRotationOperations } from './operations.service.js';
import { rotationOperationsRoutes } from './operations.routes.js';
import { secretRotationsRoutes } from './secret-rotations.routes.js';
import { createSecretRotationsService, type RotationConnectionsPort, type RotationSecretsPort } from './secret-rotations.service.js';

/** The secrets module's managed-secret functions, as it exports them. */
type ManagedSecretsApi = {
  assertKeysAvailable(db: Kysely<Database>, input: { projectId: string; orgId: string; environment: { id: string }; secretPath: string; keys: string[]; rotationId?: string }): Promise<void>;
  writeManagedSecrets(trx: Kysely<Database>, input: { projectId: string; orgId: string; environment: { id: string }; secretPath: string; rotationId: string; values: Record<string, string>; actor: Actor }): Promise<unknown>;
  releaseManagedSecrets(trx: Kysely<Database>, rotationId: string): Promise<unknown>;
  deleteManagedSecrets(trx: Kysely<Database>, rotationId: string, actor: Actor): Promise<unknown>;
};

export type SecretRotationsModuleDeps = {
  config: Config;
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  audit: AuditLog;
  permissions: PermissionService;
  findEnvironment(projectId: string, slug: string): Promise<{ id: string; name: string; slug: string }>;
  managedSecrets: ManagedSecretsApi;
  connections: {
    resolveAzureConnection(orgId: string, connectionId: string): Promise<unknown>;
    describeConnection(orgId: string, connectionId: string): Promise<{ id: string; name: string; app: string }>;
  };
  /** Test and benchmark overrides of the engine's timing knobs. */
  engineOverrides?: Partial<RotationEngineSettings>;
  onEvent?: (event: RotationLifecycleEvent) => void;
};

/** Wires the rotation engine, its service and its routes from the other modules' services. */
export function createSecretRotationsModule(deps: SecretRotationsModuleDeps) {
  const shutdown = new AbortController();
  const secrets: RotationSecretsPort = {
    writeManagedSecrets: async (trx, input) => {
      await deps.managedSecrets.writeManagedSecrets(trx, {
        projectId: input.projectId,
        orgId: input.orgId,
        environment: { id: input.environmentId },
        secretPath: input.secretPath,
        rotationId: input.rotationId,
        values: input.values,
        actor: input.actor,
      });
    },
    assertKeysAvailable: async (db, input) => {
      const orgId = (await db.selectFrom('projects').select('org_id').where('id', '=', input.projectId).executeTakeFirstOrThrow()).org_id;
      await deps.managedSecrets.assertKeysAvailable(db, {
        projectId: input.projectId,
        orgId,
        environment: { id: input.environmentId },
        secretPath: input.secretPath,
        keys: input.keys,
        ...(input.rotationId ? { rotationId: input.rotationId } : {}),
      });
    },
    releaseManagedSecrets: async (trx, input) => {
      await deps.managedSecrets.releaseManagedSecrets(trx, input.rotationId);
    },
    deleteManagedSecrets: async (trx, input) => {
      await deps.managedSecrets.deleteManagedSecrets(trx, input.rotationId, input.actor);
    },
  };
  const connections: RotationConnectionsPort = {
    resolve: (type, orgId, connectionId) => {
      if (type !== 'azure-client-secret') throw new Error(`no connection resolver for rotation type ${type}`);
      return deps.connections.resolveAzureConnection(orgId, connectionId);
    },
    describe: (orgId, connectionId) => deps.connections.describeConnection(orgId, connectionId),
  };
  const rotation = deps.config.rotation;
  const settings: RotationEngineSettings = {
    ...defaultEngineSettings,
    workerId: `${process.pid}-${deps.ids.uuid().slice(0, 8)}`,
    leaseMs: rotation.leaseMs,
    verifyTimeoutMs: rotation.verifyTimeoutMs,
    verifyInitialDelayMs: rotation.verifyInitialDelayMs,
    pollIntervalMs: rotation.schedulerIntervalMs,
    maxConcurrentCalls: rotation.maxConcurrency,
    maxConcurrentCallsPerConnection: rotation.maxConcurrencyPerConnection,
    maxAttemptsInFlight: rotation.maxInFlight,
    transientRetries: rotation.transientRetries,
    transientBaseDelayMs: rotation.retryBaseMs,
    maxConsecutiveFailures: rotation.maxConsecutiveFailures,
    ...deps.engineOverrides,
  };
  const engine = createRotationEngine({
    db: deps.db,
    keyring: deps.keyring,
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    audit: deps.audit,
    secrets,
    connections,
    settings,
    shutdownSignal: shutdown.signal,
    ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
  });
  const serviceDeps = {
    db: deps.db,
    keyring: deps.keyring,
    clock: deps.clock,
    ids: deps.ids,
    audit: deps.audit,
    permissions: deps.permissions,
    findEnvironment: deps.findEnvironment,
    connections,
    secrets,
    engine,
    rotateWaitMs: rotation.rotateWaitMs,
  };
  const service = createSecretRotationsService(serviceDeps);
  const operations = createRotationOperations({ ...serviceDeps, engineSettings: settings });

  return {
    engine,
    service,
    operations,
    async registerRoutes(app: FastifyInstance): Promise<void> {
      const routes = app.withTypeProvider<ZodTypeProvider>();
      await routes.register(secretRotationsRoutes, { service });
      await routes.register(rotationOperationsRoutes, { operations });
    },
    /** Stops scheduling; in-flight attempts stop at their next step and keep their journal for recovery. */
    async stop(): Promise<void> {
      shutdown.abort();
      await engine.stop();
    },
  };
}

export type SecretRotationsModule = ReturnType<typeof createSecretRotationsModule>;
