import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditRoutes } from '../audit/audit.routes.js';
import { createAuditLog } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { noReadCaches, type ReadCaches } from '../db/read-cache.js';
import { createIdentitiesService } from '../identities/identities.service.js';
import { identitiesRoutes } from '../identities/identities.routes.js';
import { universalAuthRoutes } from '../identities/universal-auth.routes.js';
import { createUniversalAuthService } from '../identities/universal-auth.service.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { createInvitationsService } from '../organizations/invitations.service.js';
import { createSmtpMailer } from '../organizations/mailer.js';
import { organizationsRoutes } from '../organizations/organizations.routes.js';
import { createOrganizationsService } from '../organizations/organizations.service.js';
import { createPermissionService } from '../permissions/permissions.service.js';
import { rolesRoutes } from '../permissions/roles.routes.js';
import { createRolesService } from '../permissions/roles.service.js';
import { createEnvironmentsService } from '../projects/environments.service.js';
import { membershipsRoutes } from '../projects/memberships.routes.js';
import { createMembershipsService } from '../projects/memberships.service.js';
import { projectsRoutes } from '../projects/projects.routes.js';
import { createProjectsService } from '../projects/projects.service.js';
import { registerAuthentication } from './auth.hook.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { createAuthenticator } from './authenticate.js';
import { createBootstrapService } from './bootstrap.service.js';
import { createRateLimiter } from './rate-limiter.js';
import { createTokenService } from './tokens.js';

export type IdentityAccessDeps = {
  config: Config;
  db: Db;
  rootKey: Buffer;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  caches?: ReadCaches;
};

/**
 * Identity and access in one place: tokens, the authentication hook, permissions, audit, users, organizations,
 * machine identities, projects. buildApp creates it once; other modules take `permissions`, `audit` and
 * `projects` from it.
 */
export function createIdentityAccess(deps: IdentityAccessDeps) {
  const { config, db, clock, ids, logger } = deps;
  const audit = createAuditLog({ db, clock, ids, logger });
  const tokens = createTokenService({ db, rootKey: deps.rootKey, clock, ids });
  const caches = deps.caches ?? noReadCaches;
  const authenticator = createAuthenticator({ db, tokens, clock, caches });
  const permissions = createPermissionService({ db, caches });
  const auth = createAuthService({ db, clock, ids, audit, tokens, config });
  // Bootstrap and invitation links share one per-IP budget, separate from password logins.
  const publicLimiter = createRateLimiter({ clock, limit: config.loginRateLimitPerMinute, windowMs: 60_000, message: 'Too many requests from this IP address' });
  const identities = createIdentitiesService({ db, clock, ids, audit, permissions, tokens });
  const universalAuth = createUniversalAuthService({
    db,
    clock,
    ids,
    audit,
    permissions,
    tokens,
    authenticator,
    identities,
    machineLoginRateLimitPerMinute: config.machineLoginRateLimitPerMinute,
  });
  const bootstrap = createBootstrapService({ db, clock, ids, audit, config, identities, limiter: publicLimiter });
  const organizations = createOrganizationsService({ db, clock, ids, audit, permissions });
  const invitations = createInvitationsService({
    db,
    clock,
    ids,
    audit,
    permissions,
    auth,
    limiter: publicLimiter,
    mailer: config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.smtpFrom) : undefined,
    siteUrl: config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
    logger,
  });
  const projects = createProjectsService({ db, clock, ids, audit, permissions });
  const environments = createEnvironmentsService({ db, clock, ids, audit, permissions, projects });
  const memberships = createMembershipsService({ db, clock, ids, audit, permissions });
  const roles = createRolesService({ db, clock, ids, audit, permissions });

  return {
    audit,
    permissions,
    projects,
    authenticator,
    tokens,

    /** The authentication hook plus an onClose hook that writes queued audit events. Call before registering routes. */
    registerHooks(app: FastifyInstance): void {
      registerAuthentication(app, authenticator);
      app.addHook('onClose', async () => {
        await audit.close();
      });
    },

    async registerRoutes(app: FastifyInstance): Promise<void> {
      const routes = app.withTypeProvider<ZodTypeProvider>();
      await routes.register(authRoutes, { auth, bootstrap, publicUrl: config.publicUrl });
      await routes.register(organizationsRoutes, { organizations, invitations, publicUrl: config.publicUrl });
      await routes.register(identitiesRoutes, { identities });
      await routes.register(universalAuthRoutes, { universalAuth });
      await routes.register(projectsRoutes, { projects, environments });
      await routes.register(membershipsRoutes, { memberships });
      await routes.register(rolesRoutes, { roles });
      await routes.register(auditRoutes, { db, permissions });
    },
  };
}

export type IdentityAccess = ReturnType<typeof createIdentityAccess>;
