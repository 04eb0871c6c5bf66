import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { appConnectionRoutes } from './app-connections/app-connections.routes.js';
import { createAppConnectionsService } from './app-connections/app-connections.service.js';
import { azureClientSecretsRoutes } from './app-connections/azure-client-secrets/azure-client-secrets.routes.js';
import { azureSettingsFromConfig } from './app-connections/azure-client-secrets/azure-connection.js';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keyring.js';
import type { ChangeFeed } from './db/change-feed.js';
import type { Db } from './db/database.js';
import { createReadCaches } from './db/read-cache.js';
import { createIdentityAccess } from './auth/identity-access.js';
import { trackRouteAccess } from './http/access.js';
import { defaultWebDir, registerDashboard } from './http/dashboard.js';
import { registerErrorHandling } from './http/error-handler.js';
import { type Logger, lazyRequestLogger } from './http/logger.js';
import { registerOpenApi } from './http/openapi.js';
import { rememberingQueryValidation } from './http/query-validation.js';
import { registerResponseHeaders } from './http/security-headers.js';
import type { Clock } from './lib/clock.js';
import type { Ids } from './lib/ids.js';
import { createNotificationsModule, type NotificationsModule } from './notifications/notifications.module.js';
import type { RotationEngineSettings } from './secret-rotations/engine/engine.types.js';
import { createSecretRotationsModule, type SecretRotationsModule } from './secret-rotations/secret-rotations.module.js';
import { secretsRoutes } from './secrets/secrets.routes.js';
import { createSecretsService } from './secrets/secrets.service.js';
import { statusRoutes } from './status/status.routes.js';

export const version = '0.1.0';

export type AppDeps = {
  config: Config;
  db: Db;
  keyring: Keyring;
  /** Seals instance secrets such as the JWT signing key. */
  rootKey: Buffer;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  /**
   * Committed-change notifications from PostgreSQL (db/change-feed.ts). With it, hot reads (tokens,
   * permissions, secret listings) are cached until something they depend on changes; without it, nothing is.
   */
  changes?: ChangeFeed;
  /** Tests and benchmarks tune the rotation engine's timings here. */
  engineOverrides?: Partial<RotationEngineSettings>;
};

/** Background work and modules main.ts (and tests) reach after building the app. */
export type AppServices = {
  rotations: SecretRotationsModule;
  notifications: NotificationsModule;
  /** Starts the scheduler and notification loops (when REKEY_WORKER is on) after the app listens. */
  startBackgroundWork(): Promise<void>;
  /** Stops background work; in-flight rotations keep their journal and resume on the next start. */
  stopBackgroundWork(): Promise<void>;
};

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

/** Builds the whole HTTP application from its dependencies. It never listens; main.ts and tests do. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    childLoggerFactory: (logger, bindings, options) => lazyRequestLogger(logger as Logger, bindings, options),
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: () => deps.ids.uuid(),
    requestIdHeader: false,
    trustProxy: false,
    // Secret names (up to 256 characters, percent-encoded) travel in the URL: /api/v3/secrets/raw/:secretName.
    routerOptions: { maxParamLength: 1024 },
  });

  // First, so that every route after it is recorded with its access declaration.
  trackRouteAccess(app);
  app.setValidatorCompiler(rememberingQueryValidation(validatorCompiler));
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerResponseHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(cookie);
  const caches = createReadCaches({ feed: deps.changes, clock: deps.clock, ttlMs: deps.config.readCacheTtlMs });
  const access = createIdentityAccess({ ...deps, caches });
  access.registerHooks(app);
  await registerOpenApi(app);

  const routes = app.withTypeProvider<ZodTypeProvider>();
  await routes.register(statusRoutes, { db: deps.db, version });
  await access.registerRoutes(app);
  const secrets = createSecretsService({ ...deps, audit: access.audit, permissions: access.permissions, caches });
  await routes.register(secretsRoutes, { secrets });

  const connections = createAppConnectionsService({ ...deps, audit: access.audit, azure: azureSettingsFromConfig(deps.config) });
  await routes.register(appConnectionRoutes, { service: connections, permissions: access.permissions });
  await routes.register(azureClientSecretsRoutes, { service: connections, permissions: access.permissions });

  const notifications = createNotificationsModule({ ...deps, audit: access.audit, permissions: access.permissions, caches });
  const rotations = createSecretRotationsModule({
    ...deps,
    audit: access.audit,
    permissions: access.permissions,
    findEnvironment: (projectId, slug) => access.projects.findEnvironment(projectId, slug),
    managedSecrets: secrets,
    connections,
    onEvent: (event) => notifications.onRotationEvent(event),
    ...(deps.engineOverrides ? { engineOverrides: deps.engineOverrides } : {}),
  });
  await rotations.registerRoutes(app);
  await notifications.registerRoutes(app);
  app.decorate('services', {
    rotations,
    notifications,
    async startBackgroundWork() {
      await notifications.start();
      if (deps.config.isWorkerEnabled) rotations.engine.startScheduler();
    },
    async stopBackgroundWork() {
      await rotations.stop();
      await notifications.stop();
    },
  } satisfies AppServices);
  app.addHook('onClose', async () => {
    await app.services.stopBackgroundWork();
  });
  await registerDashboard(app, deps.config.webDir ?? defaultWebDir());

  return app;
}
