import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keyring.js';
import type { Db } from './db/database.js';
import { createIdentityAccess } from './auth/identity-access.js';
import { trackRouteAccess } from './http/access.js';
import { defaultWebDir, registerDashboard } from './http/dashboard.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import type { Clock } from './lib/clock.js';
import type { Ids } from './lib/ids.js';
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
};

/** Builds the whole HTTP application from its dependencies. It never listens; main.ts and tests do. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: () => deps.ids.uuid(),
    requestIdHeader: false,
    trustProxy: false,
    // Secret names (up to 256 characters, percent-encoded) travel in the URL: /api/v3/secrets/raw/:secretName.
    maxParamLength: 1024,
  });

  // First, so that every route after it is recorded with its access declaration.
  trackRouteAccess(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
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
  const access = createIdentityAccess(deps);
  access.registerHooks(app);
  await registerOpenApi(app);

  const routes = app.withTypeProvider<ZodTypeProvider>();
  await routes.register(statusRoutes, { db: deps.db, version });
  await access.registerRoutes(app);
  const secrets = createSecretsService({ ...deps, audit: access.audit, permissions: access.permissions });
  await routes.register(secretsRoutes, { secrets });
  await registerDashboard(app, deps.config.webDir ?? defaultWebDir());

  return app;
}
