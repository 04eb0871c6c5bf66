import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAccess } from '../../packages/server/src/http/access.js';
import { createMachineIdentity, createUser } from '../../packages/server/src/test-support/fixtures.js';
import { sentinelValue } from '../../packages/server/src/test-support/sentinel.js';
import { captureLogs, captureResponse } from './support/capture.js';
import { fillPath, openApiOperations, type RouteOperation } from './support/routes.js';
import { api, buildWorld, inviteToken, send, type World } from './support/world.js';

/**
 * Authorization matrix: every route of the OpenAPI document × every kind of caller, against an explicit
 * table of who may get a 2xx. Path parameters name real objects of organization A, and bodies are minimally
 * valid, so a 2xx that the table does not allow is a real breach, and a refusal where the table allows
 * access is a real denial (both are reported). The table is derived from the permission model in
 * packages/server/src/permissions/default-roles.ts and from the checks each service makes (comments below
 * name the check).
 *
 * Callers:
 * - anonymous: no token;
 * - otherOrg: a user who belongs only to organization B, and is its admin;
 * - viewer / developer / projectAdmin: organization A members (org role `member`) holding that project role;
 * - orgAdmin: an organization A admin user (implicitly admin of every project of the organization);
 * - identityMember: a machine identity (org role `member`) that is a `member` (developer) of the project;
 * - identityNoProject: a machine identity (org role `member`) with no project membership.
 *
 * Destructive rows act on objects made for them: a row that deletes (or otherwise uses up) an object takes
 * it from a pool, and the pool makes a fresh one once an allowed caller has used it up, so no caller is ever
 * refused with "404, already deleted" and a refusal is always about permission.
 */

const actorNames = ['anonymous', 'otherOrg', 'identityNoProject', 'viewer', 'identityMember', 'developer', 'projectAdmin', 'orgAdmin'] as const;
type ActorName = (typeof actorNames)[number];
const columnLabels: Record<ActorName, string> = {
  anonymous: 'anon',
  otherOrg: 'otherOrg',
  identityNoProject: 'idNoProj',
  viewer: 'viewer',
  identityMember: 'idMember',
  developer: 'develop',
  projectAdmin: 'projAdm',
  orgAdmin: 'orgAdmin',
};

// Groups, from the built-in roles (default-roles.ts). Org role `member` holds app-connections:read and
// projects:create; org `admin` holds everything at org level and the admin role in every project.
const everyone: readonly ActorName[] = actorNames;
const authenticated: readonly ActorName[] = actorNames.filter((name) => name !== 'anonymous');
const orgA: readonly ActorName[] = ['identityNoProject', 'viewer', 'identityMember', 'developer', 'projectAdmin', 'orgAdmin'];
const users: readonly ActorName[] = ['otherOrg', 'viewer', 'developer', 'projectAdmin', 'orgAdmin'];
const orgAUsers: readonly ActorName[] = ['viewer', 'developer', 'projectAdmin', 'orgAdmin'];
/** Project roles viewer and up: secrets, folders, imports, environments, rotations and the project: read. */
const projectReaders: readonly ActorName[] = ['viewer', 'identityMember', 'developer', 'projectAdmin', 'orgAdmin'];
/** Project role member (developer) and up: secrets, folders, imports, environments: CRUD; members, identities, roles, webhooks, audit-logs: read. */
const projectMembers: readonly ActorName[] = ['identityMember', 'developer', 'projectAdmin', 'orgAdmin'];
/** Project role admin: everything in the project, including rotations beyond read and webhooks beyond read. */
const projectAdmins: readonly ActorName[] = ['projectAdmin', 'orgAdmin'];
const orgAdmins: readonly ActorName[] = ['orgAdmin'];

/** Routes declared `{ public: true }`; every other route must answer 401 to a caller without a token. */
const publicRoutes = [
  'GET /api/status',
  'POST /api/v1/admin/bootstrap',
  'GET /api/v1/admin/config',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/token',
  'POST /api/v1/auth/logout',
  'POST /api/v1/invite-org/verify',
  'POST /api/v1/invite-org/accept',
  'POST /api/v1/auth/universal-auth/login',
  'POST /api/v1/auth/token/revoke',
  'POST /api/v1/auth/token/renew',
];

type Actor = { name: ActorName; token?: string; password?: string };

/** A source of fresh objects for rows that use one up: `take` reuses the current one until a 2xx consumes it. */
type Pool<T> = { take(): Promise<T>; consume(): void; created: number };

function pool<T>(create: () => Promise<T>): Pool<T> {
  let current: T | undefined;
  const self: Pool<T> = {
    created: 0,
    async take() {
      if (current === undefined) {
        current = await create();
        self.created += 1;
      }
      return current;
    },
    consume() {
      current = undefined;
    },
  };
  return self;
}

type RequestSpec = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The pool this request uses up when it succeeds. */
  consumes?: Pool<unknown>;
  /** Runs after a 2xx (e.g. remember a changed password). */
  after?: () => void;
};

type Row = {
  /** Callers that may get a 2xx. Everyone else must not. */
  allow: readonly ActorName[];
  /**
   * Allowed callers whose 2xx is a filtered list or their own organization's data: the answer must not
   * contain any of the project's objects (otherOrg: any of organization A's objects, on every row).
   */
  blind?: readonly ActorName[];
  /** A 2xx to an allowed caller carries secret values (marked as permitted in the leak scan). */
  secretValues?: boolean;
  /** Run after every other row (signing out ends the caller's session). */
  isLast?: boolean;
  request: (actor: Actor) => Promise<RequestSpec> | RequestSpec;
};

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const upperUnique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex').toUpperCase()}`;

type MatrixWorld = {
  w: World;
  actors: Record<ActorName, Actor>;
  emails: { viewer: string; developer: string; projectAdmin: string };
  identityMemberId: string;
  /** The rotator app's password the matrix added, to create connections with. */
  rotatorSecret: string;
};

function buildTable(m: MatrixWorld): { rows: Record<string, Row>; pools: Record<string, Pool<unknown>> } {
  const { w } = m;
  const t = w.t;
  const P = w.project.id;
  const setup = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => api<T>(t, method, url, w.setupToken, body);
  const inDev = { workspaceId: P, environment: 'dev', secretPath: '/' };
  const devEnvId = w.project.environments.find((env) => env.slug === 'dev')?.id ?? '';
  const prodEnvId = w.project.environments.find((env) => env.slug === 'prod')?.id ?? '';
  const targets = [...w.freeTargets];
  const takeTarget = () => {
    const target = targets.shift();
    if (!target) throw new Error('the matrix ran out of free target applications');
    return target;
  };

  const createIdentity = async () => (await setup<{ identity: { id: string } }>('POST', '/api/v1/identities', { name: unique('fresh'), organizationId: w.orgId, role: 'member' })).identity.id;
  const invite = async () => {
    const email = `${unique('fresh')}@example.com`;
    const invited = await setup<{ completeInviteLinks: { link: string }[] }>('POST', '/api/v1/invite-org/signup', {
      inviteeEmails: [email],
      organizationId: w.orgId,
      organizationRoleSlug: 'member',
    });
    return { email, token: inviteToken(invited.completeInviteLinks[0]?.link ?? '') };
  };
  const orgMembershipOf = async (email: string) => {
    const members = await setup<{ users: { id: string; user: { email: string } }[] }>('GET', `/api/v2/organizations/${w.orgId}/memberships`);
    const found = members.users.find((member) => member.user.email === email);
    if (!found) throw new Error(`no org membership for ${email}`);
    return found.id;
  };
  const createFolder = async () => (await setup<{ folder: { id: string; path: string } }>('POST', '/api/v1/folders', { ...inDev, name: unique('fresh'), path: '/' })).folder;
  const createSecret = async () => {
    const key = upperUnique('FRESH');
    await setup('POST', `/api/v3/secrets/raw/${key}`, { ...inDev, secretValue: sentinelValue('fresh') });
    return key;
  };
  const uaLogin = async () =>
    (await api<{ accessToken: string }>(t, 'POST', '/api/v1/auth/universal-auth/login', undefined, { clientId: w.identity.clientId, clientSecret: w.identity.clientSecret })).accessToken;

  const pools = {
    pendingOrgMembership: pool(async () => orgMembershipOf((await invite()).email)),
    invitation: pool(invite),
    identity: pool(createIdentity),
    identityWithoutUa: pool(createIdentity),
    identityWithUa: pool(async () => {
      const id = await createIdentity();
      await setup('POST', `/api/v1/auth/universal-auth/identities/${id}`, {});
      return id;
    }),
    clientSecret: pool(async () => (await setup<{ clientSecretData: { id: string } }>('POST', `/api/v1/auth/universal-auth/identities/${w.identity.identityId}/client-secrets`, { description: 'matrix' })).clientSecretData.id),
    identityAccessToken: pool(uaLogin),
    project: pool(async () => {
      // Same memberships as the main project, so a refusal is about the role, not about membership.
      const { project } = await setup<{ project: { id: string } }>('POST', '/api/v2/workspace', { projectName: unique('Doomed') });
      await setup('POST', `/api/v2/workspace/${project.id}/memberships`, { emails: [m.emails.viewer], roleSlugs: ['viewer'] });
      await setup('POST', `/api/v2/workspace/${project.id}/memberships`, { emails: [m.emails.developer], roleSlugs: ['developer'] });
      await setup('POST', `/api/v2/workspace/${project.id}/memberships`, { emails: [m.emails.projectAdmin], roleSlugs: ['admin'] });
      await setup('POST', `/api/v2/workspace/${project.id}/identity-memberships/${m.identityMemberId}`, { roles: [{ role: 'member' }] });
      return project.id;
    }),
    environment: pool(async () => (await setup<{ environment: { id: string } }>('POST', `/api/v1/workspace/${P}/environments`, { name: 'Doomed', slug: unique('doomed') })).environment.id),
    identityOutsideProject: pool(createIdentity),
    identityInProject: pool(async () => {
      const id = await createIdentity();
      await setup('POST', `/api/v2/workspace/${P}/identity-memberships/${id}`, { roles: [{ role: 'viewer' }] });
      return id;
    }),
    userOutsideProject: pool(async () => (await invite()).email),
    projectMembership: pool(async () => {
      const { email } = await invite();
      const added = await setup<{ memberships: { id: string }[] }>('POST', `/api/v2/workspace/${P}/memberships`, { emails: [email], roleSlugs: ['viewer'] });
      return added.memberships[0]?.id ?? '';
    }),
    role: pool(async () => (await setup<{ role: { id: string } }>('POST', `/api/v1/workspace/${P}/roles`, { slug: unique('doomed'), name: 'Doomed', permissions: [] })).role.id),
    secret: pool(createSecret),
    batchSecret: pool(createSecret),
    folder: pool(createFolder),
    importDestination: pool(createFolder),
    secretImport: pool(async () => {
      const folder = await createFolder();
      const { secretImport } = await setup<{ secretImport: { id: string } }>('POST', '/api/v1/secret-imports', {
        workspaceId: P,
        environment: 'dev',
        path: folder.path,
        import: { environment: 'prod', path: '/' },
      });
      return { id: secretImport.id, path: folder.path };
    }),
    tag: pool(async () => (await setup<{ workspaceTag: { id: string } }>('POST', `/api/v1/workspace/${P}/tags`, { slug: unique('doomed') })).workspaceTag.id),
    connection: pool(async () => {
      const { appConnection } = await setup<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/azure-client-secrets', {
        name: unique('doomed'),
        method: 'client-secret',
        credentials: { tenantId: w.h.tenantId, clientId: w.h.rotator.appId, clientSecret: m.rotatorSecret },
      });
      return appConnection.id;
    }),
    rotationTarget: pool(async () => takeTarget()),
    rotation: pool(async () => {
      const created = await w.h.createRotation(takeTarget());
      if (created.status !== 200) throw new Error(`creating a rotation failed: ${JSON.stringify(created.body)}`);
      await t.app.services.rotations.engine.idle();
      return (created.body.secretRotation as { id: string }).id;
    }),
    rollbackReady: pool(async () => {
      // A fresh previous credential to roll back to.
      await setup('POST', `/api/v2/secret-rotations/azure-client-secret/${w.rotation.id}/rotate-secrets`);
      await t.app.services.rotations.engine.idle();
      return w.rotation.id;
    }),
    webhook: pool(async () => (await setup<{ webhook: { id: string } }>('POST', '/api/v1/webhooks', { projectId: P, webhookUrl: w.webhookUrl })).webhook.id),
    refreshCookie: pool(async () => {
      const login = await send(t, 'POST', '/api/v1/auth/login', { body: { email: w.member.email, password: w.member.password } });
      const cookies = ([] as Array<string | number>).concat(login.headers['set-cookie'] ?? []).map(String);
      const cookie = cookies.find((value) => value.startsWith('rekey_refresh='))?.split(';')[0];
      if (!cookie) throw new Error('login set no refresh cookie');
      return cookie;
    }),
  };

  const rotationPath = '/api/v2/secret-rotations/azure-client-secret';
  const connectionPath = '/api/v1/app-connections/azure-client-secrets';
  const uaPath = '/api/v1/auth/universal-auth/identities';

  const rows: Record<string, Row> = {
    // ---- public (auth.routes.ts, organizations.routes.ts, universal-auth.routes.ts, status.routes.ts)
    'GET /api/status': { allow: everyone, request: () => ({}) },
    // Already set up: refused to everybody.
    'POST /api/v1/admin/bootstrap': { allow: [], request: () => ({ body: { email: `${unique('boot')}@example.com`, password: sentinelValue('password'), organization: 'Takeover' } }) },
    'GET /api/v1/admin/config': { allow: everyone, request: () => ({}) },
    'POST /api/v1/auth/login': { allow: everyone, request: () => ({ body: { email: w.member.email, password: w.member.password } }) },
    'POST /api/v1/auth/token': { allow: everyone, request: async () => ({ headers: { cookie: await pools.refreshCookie.take() }, consumes: pools.refreshCookie }) },
    'POST /api/v1/auth/logout': { allow: everyone, isLast: true, request: () => ({}) },
    'POST /api/v1/invite-org/verify': { allow: everyone, request: () => ({ body: { email: w.invitation.email, token: w.invitation.token } }) },
    'POST /api/v1/invite-org/accept': {
      allow: everyone,
      request: async () => {
        const invitation = await pools.invitation.take();
        return { body: { email: invitation.email, token: invitation.token, password: sentinelValue('password') }, consumes: pools.invitation };
      },
    },
    'POST /api/v1/auth/universal-auth/login': { allow: everyone, request: () => ({ body: { clientId: w.identity.clientId, clientSecret: w.identity.clientSecret } }) },
    // Holding the token is the authorisation.
    'POST /api/v1/auth/token/revoke': { allow: everyone, request: async () => ({ body: { accessToken: await pools.identityAccessToken.take() }, consumes: pools.identityAccessToken }) },
    'POST /api/v1/auth/token/renew': { allow: everyone, request: () => ({ body: { accessToken: w.identity.accessToken } }) },

    // ---- the caller's own account and organizations (auth.service.ts, organizations.service.ts)
    // Users only; switching to organization A needs an accepted membership of it.
    'POST /api/v3/auth/select-organization': { allow: orgAUsers, request: () => ({ body: { organizationId: w.orgId } }) },
    'GET /api/v1/users/me': { allow: users, blind: ['otherOrg'], request: () => ({}) },
    'POST /api/v1/users/me/password': {
      allow: users,
      request: (actor) => {
        const newPassword = sentinelValue('password');
        return {
          body: { currentPassword: actor.password ?? sentinelValue('password'), newPassword },
          after: () => {
            actor.password = newPassword;
          },
        };
      },
    },
    // Each caller's own organizations.
    'GET /api/v1/organization': { allow: authenticated, blind: ['otherOrg'], request: () => ({}) },
    // Any user may start an organization (and becomes its admin).
    'POST /api/v2/organizations': { allow: users, blind: ['otherOrg'], request: () => ({ body: { name: unique('Org') } }) },
    // The current organization, to any of its members.
    'GET /api/v1/organization/{organizationId}': { allow: orgA, request: () => ({ params: { organizationId: w.orgId } }) },
    'PATCH /api/v1/organization/{organizationId}': { allow: orgAdmins, request: () => ({ params: { organizationId: w.orgId }, body: { name: 'Test Org' } }) },
    'GET /api/v2/organizations/{organizationId}/memberships': { allow: orgAdmins, request: () => ({ params: { organizationId: w.orgId } }) },
    'PATCH /api/v2/organizations/{organizationId}/memberships/{membershipId}': {
      allow: orgAdmins,
      request: () => ({ params: { organizationId: w.orgId, membershipId: w.member.orgMembershipId }, body: { role: 'member' } }),
    },
    'DELETE /api/v2/organizations/{organizationId}/memberships/{membershipId}': {
      allow: orgAdmins,
      request: async () => ({ params: { organizationId: w.orgId, membershipId: await pools.pendingOrgMembership.take() }, consumes: pools.pendingOrgMembership }),
    },
    'POST /api/v1/invite-org/signup': {
      allow: orgAdmins,
      request: () => ({ body: { inviteeEmails: [`${unique('invitee')}@example.com`], organizationId: w.orgId, organizationRoleSlug: 'member' } }),
    },

    // ---- machine identities (identities.service.ts, universal-auth.service.ts): org identities:*
    'POST /api/v1/identities': { allow: orgAdmins, request: () => ({ body: { name: unique('identity'), organizationId: w.orgId, role: 'member' } }) },
    // Lists the caller's own organization: otherOrg (admin of B) sees B's identities.
    'GET /api/v1/identities': { allow: ['orgAdmin', 'otherOrg'], blind: ['otherOrg'], request: () => ({}) },
    'GET /api/v1/identities/{identityId}': { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId } }) },
    'PATCH /api/v1/identities/{identityId}': { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId }, body: { name: 'victim-identity' } }) },
    'DELETE /api/v1/identities/{identityId}': { allow: orgAdmins, request: async () => ({ params: { identityId: await pools.identity.take() }, consumes: pools.identity }) },
    [`POST ${uaPath}/{identityId}`]: { allow: orgAdmins, request: async () => ({ params: { identityId: await pools.identityWithoutUa.take() }, body: {}, consumes: pools.identityWithoutUa }) },
    [`GET ${uaPath}/{identityId}`]: { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId } }) },
    [`PATCH ${uaPath}/{identityId}`]: { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId }, body: { accessTokenNumUsesLimit: 0 } }) },
    [`DELETE ${uaPath}/{identityId}`]: { allow: orgAdmins, request: async () => ({ params: { identityId: await pools.identityWithUa.take() }, consumes: pools.identityWithUa }) },
    [`POST ${uaPath}/{identityId}/client-secrets`]: { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId }, body: { description: 'matrix' } }) },
    [`GET ${uaPath}/{identityId}/client-secrets`]: { allow: orgAdmins, request: () => ({ params: { identityId: w.identity.identityId } }) },
    [`GET ${uaPath}/{identityId}/client-secrets/{clientSecretId}`]: {
      allow: orgAdmins,
      request: () => ({ params: { identityId: w.identity.identityId, clientSecretId: w.identity.clientSecretId } }),
    },
    [`POST ${uaPath}/{identityId}/client-secrets/{clientSecretId}/revoke`]: {
      allow: orgAdmins,
      request: async () => ({ params: { identityId: w.identity.identityId, clientSecretId: await pools.clientSecret.take() }, consumes: pools.clientSecret }),
    },

    // ---- projects and environments (projects.service.ts, environments.service.ts)
    // org projects:create: every org role but no-access (otherOrg creates in organization B).
    'POST /api/v2/workspace': { allow: authenticated, blind: ['otherOrg'], request: () => ({ body: { projectName: unique('Project') } }) },
    // Org admins see every project, others the projects they belong to.
    'GET /api/v1/workspace': { allow: authenticated, blind: ['identityNoProject', 'otherOrg'], request: () => ({}) },
    'GET /api/v1/workspace/{projectId}': { allow: projectReaders, request: () => ({ params: { projectId: P } }) },
    'PATCH /api/v1/workspace/{projectId}': { allow: projectAdmins, request: () => ({ params: { projectId: P }, body: { description: 'Authorization matrix' } }) },
    'DELETE /api/v1/workspace/{projectId}': { allow: projectAdmins, request: async () => ({ params: { projectId: await pools.project.take() }, consumes: pools.project }) },
    'GET /api/v1/workspace/{projectId}/environments': { allow: projectReaders, request: () => ({ params: { projectId: P } }) },
    'POST /api/v1/workspace/{projectId}/environments': { allow: projectMembers, request: () => ({ params: { projectId: P }, body: { name: 'Extra', slug: unique('extra') } }) },
    'GET /api/v1/workspace/{projectId}/environments/{environmentId}': { allow: projectReaders, request: () => ({ params: { projectId: P, environmentId: devEnvId } }) },
    'PATCH /api/v1/workspace/{projectId}/environments/{environmentId}': {
      allow: projectMembers,
      request: () => ({ params: { projectId: P, environmentId: prodEnvId }, body: { name: 'Production' } }),
    },
    'DELETE /api/v1/workspace/{projectId}/environments/{environmentId}': {
      allow: projectMembers,
      request: async () => ({ params: { projectId: P, environmentId: await pools.environment.take() }, consumes: pools.environment }),
    },

    // ---- project memberships (memberships.service.ts): project identities:* and members:*
    'POST /api/v2/workspace/{projectId}/identity-memberships/{identityId}': {
      allow: projectAdmins,
      request: async () => ({ params: { projectId: P, identityId: await pools.identityOutsideProject.take() }, body: { roles: [{ role: 'viewer' }] }, consumes: pools.identityOutsideProject }),
    },
    'GET /api/v2/workspace/{projectId}/identity-memberships/{identityId}': { allow: projectMembers, request: () => ({ params: { projectId: P, identityId: w.identity.identityId } }) },
    'PATCH /api/v2/workspace/{projectId}/identity-memberships/{identityId}': {
      allow: projectAdmins,
      request: () => ({ params: { projectId: P, identityId: w.identity.identityId }, body: { roles: [{ role: 'viewer' }] } }),
    },
    'DELETE /api/v2/workspace/{projectId}/identity-memberships/{identityId}': {
      allow: projectAdmins,
      request: async () => ({ params: { projectId: P, identityId: await pools.identityInProject.take() }, consumes: pools.identityInProject }),
    },
    'GET /api/v2/workspace/{projectId}/identity-memberships': { allow: projectMembers, request: () => ({ params: { projectId: P } }) },
    'POST /api/v2/workspace/{projectId}/memberships': {
      allow: projectAdmins,
      request: async () => ({ params: { projectId: P }, body: { emails: [await pools.userOutsideProject.take()], roleSlugs: ['viewer'] }, consumes: pools.userOutsideProject }),
    },
    'GET /api/v1/workspace/{projectId}/memberships': { allow: projectMembers, request: () => ({ params: { projectId: P } }) },
    'PATCH /api/v1/workspace/{projectId}/memberships/{membershipId}': {
      allow: projectAdmins,
      request: () => ({ params: { projectId: P, membershipId: w.member.projectMembershipId ?? '' }, body: { roles: [{ role: 'viewer' }] } }),
    },
    'DELETE /api/v1/workspace/{projectId}/memberships/{membershipId}': {
      allow: projectAdmins,
      request: async () => ({ params: { projectId: P, membershipId: await pools.projectMembership.take() }, consumes: pools.projectMembership }),
    },

    // ---- custom roles (roles.service.ts): project roles:*
    'POST /api/v1/workspace/{projectId}/roles': {
      allow: projectAdmins,
      request: () => ({ params: { projectId: P }, body: { slug: unique('role'), name: 'Matrix role', permissions: [{ subject: 'secrets', action: 'read' }] } }),
    },
    'GET /api/v1/workspace/{projectId}/roles': { allow: projectMembers, request: () => ({ params: { projectId: P } }) },
    'GET /api/v1/workspace/{projectId}/roles/slug/{roleSlug}': { allow: projectMembers, request: () => ({ params: { projectId: P, roleSlug: w.role.slug } }) },
    'GET /api/v1/workspace/{projectId}/roles/{roleId}': { allow: projectMembers, request: () => ({ params: { projectId: P, roleId: w.role.id } }) },
    'PATCH /api/v1/workspace/{projectId}/roles/{roleId}': { allow: projectAdmins, request: () => ({ params: { projectId: P, roleId: w.role.id }, body: { description: 'Matrix' } }) },
    'DELETE /api/v1/workspace/{projectId}/roles/{roleId}': { allow: projectAdmins, request: async () => ({ params: { projectId: P, roleId: await pools.role.take() }, consumes: pools.role }) },

    // ---- audit (audit.routes.ts): project audit-logs:read (member and up); org audit-logs:read (org admin, of the caller's own org)
    'GET /api/v1/workspace/{projectId}/audit-logs': { allow: projectMembers, request: () => ({ params: { projectId: P } }) },
    'GET /api/v1/organization/audit-logs': { allow: ['orgAdmin', 'otherOrg'], blind: ['otherOrg'], request: () => ({}) },

    // ---- secrets (secrets.read.ts, secrets.write.ts, versions.service.ts): project secrets:* at dev /
    'GET /api/v3/secrets/raw': { allow: projectReaders, secretValues: true, request: () => ({ query: inDev }) },
    'GET /api/v3/secrets/raw/{secretName}': { allow: projectReaders, secretValues: true, request: () => ({ params: { secretName: w.secret.key }, query: inDev }) },
    'POST /api/v3/secrets/raw/{secretName}': {
      allow: projectMembers,
      secretValues: true,
      request: () => ({ params: { secretName: upperUnique('MATRIX') }, body: { ...inDev, secretValue: sentinelValue('matrix') } }),
    },
    'PATCH /api/v3/secrets/raw/{secretName}': {
      allow: projectMembers,
      secretValues: true,
      request: () => ({ params: { secretName: w.secret.key }, body: { ...inDev, secretValue: sentinelValue('patched') } }),
    },
    'DELETE /api/v3/secrets/raw/{secretName}': {
      allow: projectMembers,
      secretValues: true,
      request: async () => ({ params: { secretName: await pools.secret.take() }, body: inDev, consumes: pools.secret }),
    },
    'POST /api/v3/secrets/batch/raw': {
      allow: projectMembers,
      secretValues: true,
      request: () => ({ body: { ...inDev, secrets: [{ secretKey: upperUnique('BATCH'), secretValue: sentinelValue('batch') }] } }),
    },
    'PATCH /api/v3/secrets/batch/raw': {
      allow: projectMembers,
      secretValues: true,
      request: () => ({ body: { ...inDev, secrets: [{ secretKey: w.secret.key, secretValue: sentinelValue('batch-patched') }] } }),
    },
    'DELETE /api/v3/secrets/batch/raw': {
      allow: projectMembers,
      secretValues: true,
      request: async () => ({ body: { ...inDev, secrets: [{ secretKey: await pools.batchSecret.take() }] }, consumes: pools.batchSecret }),
    },
    'GET /api/v1/secret/{secretId}/secret-versions': { allow: projectReaders, secretValues: true, request: () => ({ params: { secretId: w.secret.id } }) },
    'POST /api/v1/secret/{secretId}/secret-versions/{version}/restore': {
      allow: projectMembers,
      secretValues: true,
      request: () => ({ params: { secretId: w.secret.id, version: '1' } }),
    },

    // ---- folders (folders.service.ts): the list has no check of its own, it leaves out folders the caller may not read
    'POST /api/v1/folders': { allow: projectMembers, request: () => ({ body: { workspaceId: P, environment: 'dev', name: unique('folder'), path: '/' } }) },
    'GET /api/v1/folders': { allow: orgA, blind: ['identityNoProject'], request: () => ({ query: { workspaceId: P, environment: 'dev', path: '/' } }) },
    'PATCH /api/v1/folders/{folderId}': {
      allow: projectMembers,
      request: () => ({ params: { folderId: w.folder.id }, body: { workspaceId: P, environment: 'dev', path: '/', description: 'Matrix' } }),
    },
    'DELETE /api/v1/folders/{folderIdOrName}': {
      allow: projectMembers,
      request: async () => ({ params: { folderIdOrName: (await pools.folder.take()).id }, body: { workspaceId: P, environment: 'dev', path: '/' }, consumes: pools.folder }),
    },

    // ---- imports (imports.service.ts): secret-imports:* plus secrets:read on the source
    'POST /api/v1/secret-imports': {
      allow: projectMembers,
      request: async () => ({
        body: { workspaceId: P, environment: 'dev', path: (await pools.importDestination.take()).path, import: { environment: 'prod', path: '/' } },
        consumes: pools.importDestination,
      }),
    },
    'GET /api/v1/secret-imports': { allow: projectReaders, request: () => ({ query: { workspaceId: P, environment: 'dev', path: w.folder.path } }) },
    'DELETE /api/v1/secret-imports/{secretImportId}': {
      allow: projectMembers,
      request: async () => {
        const secretImport = await pools.secretImport.take();
        return { params: { secretImportId: secretImport.id }, body: { workspaceId: P, environment: 'dev', path: secretImport.path }, consumes: pools.secretImport };
      },
    },

    // ---- tags (tags.service.ts): secrets:read / create / delete anywhere in the project
    'GET /api/v1/workspace/{projectId}/tags': { allow: projectReaders, request: () => ({ params: { projectId: P } }) },
    'POST /api/v1/workspace/{projectId}/tags': { allow: projectMembers, request: () => ({ params: { projectId: P }, body: { slug: unique('tag') } }) },
    'DELETE /api/v1/workspace/{projectId}/tags/{tagId}': { allow: projectMembers, request: async () => ({ params: { projectId: P, tagId: await pools.tag.take() }, consumes: pools.tag }) },

    // ---- app connections (app-connections.routes.ts): org app-connections:* (org member: read; admin: all)
    'GET /api/v1/app-connections/options': { allow: authenticated, request: () => ({}) },
    'GET /api/v1/app-connections': { allow: authenticated, blind: ['otherOrg'], request: () => ({}) },
    [`GET ${connectionPath}`]: { allow: authenticated, blind: ['otherOrg'], request: () => ({}) },
    // org app-connections:create (org admin); otherOrg creates one in organization B, with credentials it supplies.
    [`POST ${connectionPath}`]: {
      allow: ['orgAdmin', 'otherOrg'],
      blind: ['otherOrg'],
      request: () => ({
        body: { name: unique('connection'), method: 'client-secret', credentials: { tenantId: w.h.tenantId, clientId: w.h.rotator.appId, clientSecret: m.rotatorSecret } },
      }),
    },
    // app-connections:connect (org admin), in the caller's own organization.
    [`GET ${connectionPath}/available`]: { allow: ['orgAdmin', 'otherOrg'], blind: ['otherOrg'], request: () => ({}) },
    [`GET ${connectionPath}/oauth/authorize-url`]: { allow: ['orgAdmin', 'otherOrg'], blind: ['otherOrg'], request: () => ({ query: { tenantId: w.h.tenantId } }) },
    [`GET ${connectionPath}/{connectionId}`]: { allow: orgA, request: () => ({ params: { connectionId: w.connection.id } }) },
    [`PATCH ${connectionPath}/{connectionId}`]: { allow: orgAdmins, request: () => ({ params: { connectionId: w.connection.id }, body: { description: 'Matrix' } }) },
    [`DELETE ${connectionPath}/{connectionId}`]: { allow: orgAdmins, request: async () => ({ params: { connectionId: await pools.connection.take() }, consumes: pools.connection }) },
    [`GET ${connectionPath}/connection-name/{connectionName}`]: { allow: orgA, request: () => ({ params: { connectionName: w.connection.name } }) },
    [`GET ${connectionPath}/{connectionId}/clients`]: { allow: orgAdmins, request: () => ({ params: { connectionId: w.connection.id } }) },

    // ---- secret rotations (secret-rotations.service.ts, secret-rotations.create.ts, operations.service.ts)
    'GET /api/v2/secret-rotations/options': { allow: authenticated, request: () => ({}) },
    // Lists leave out rotations the caller may not read.
    'GET /api/v2/secret-rotations': { allow: orgA, blind: ['identityNoProject'], request: () => ({ query: { projectId: P } }) },
    [`GET ${rotationPath}`]: { allow: orgA, blind: ['identityNoProject'], request: () => ({ query: { projectId: P } }) },
    // secret-rotations:create in the project and app-connections:connect in the organization: only org admins hold both.
    [`POST ${rotationPath}`]: {
      allow: orgAdmins,
      request: async () => {
        const target = await pools.rotationTarget.take();
        const suffix = target.appId.slice(0, 8).toUpperCase();
        return {
          body: {
            name: unique('rotation'),
            connectionId: w.connection.id,
            projectId: P,
            environment: 'dev',
            secretPath: '/',
            rotationInterval: 30,
            rotateAtUtc: { hours: 2, minutes: 0 },
            parameters: { objectId: target.objectId, clientId: target.appId },
            secretsMapping: { clientId: `MATRIX_ID_${suffix}`, clientSecret: `MATRIX_SECRET_${suffix}` },
          },
          consumes: pools.rotationTarget,
        };
      },
    },
    [`GET ${rotationPath}/{rotationId}`]: { allow: projectReaders, request: () => ({ params: { rotationId: w.rotation.id } }) },
    [`PATCH ${rotationPath}/{rotationId}`]: { allow: projectAdmins, request: () => ({ params: { rotationId: w.rotation.id }, body: { description: 'Matrix' } }) },
    [`DELETE ${rotationPath}/{rotationId}`]: { allow: projectAdmins, request: async () => ({ params: { rotationId: await pools.rotation.take() }, consumes: pools.rotation }) },
    [`GET ${rotationPath}/rotation-name/{rotationName}`]: {
      allow: projectReaders,
      request: () => ({ params: { rotationName: w.rotation.name }, query: { projectId: P, environment: 'dev', secretPath: '/' } }),
    },
    [`POST ${rotationPath}/{rotationId}/rotate-secrets`]: { allow: projectAdmins, request: () => ({ params: { rotationId: w.rotation.id } }) },
    // The generated client secrets themselves: read-generated-credentials (project admin).
    [`GET ${rotationPath}/{rotationId}/generated-credentials`]: { allow: projectAdmins, secretValues: true, request: () => ({ params: { rotationId: w.rotation.id } }) },
    [`POST ${rotationPath}/{rotationId}/check-credentials`]: { allow: projectAdmins, request: () => ({ params: { rotationId: w.rotation.id } }) },
    'GET /api/v2/secret-rotations/{rotationId}/history': { allow: projectReaders, request: () => ({ params: { rotationId: w.rotation.id } }) },
    'GET /api/v2/secret-rotations/{rotationId}/preview': { allow: projectReaders, request: () => ({ params: { rotationId: w.rotation.id } }) },
    'POST /api/v2/secret-rotations/{rotationId}/rollback': {
      allow: projectAdmins,
      request: async () => ({ params: { rotationId: await pools.rollbackReady.take() }, consumes: pools.rollbackReady }),
    },

    // ---- webhooks (webhooks.service.ts): project webhooks:read (member and up), create/edit/delete (admin)
    'POST /api/v1/webhooks': { allow: projectAdmins, request: () => ({ body: { projectId: P, webhookUrl: w.webhookUrl } }) },
    'GET /api/v1/webhooks': { allow: projectMembers, request: () => ({ query: { projectId: P } }) },
    'GET /api/v1/webhooks/{webhookId}': { allow: projectMembers, request: () => ({ params: { webhookId: w.webhook.id } }) },
    'PATCH /api/v1/webhooks/{webhookId}': { allow: projectAdmins, request: () => ({ params: { webhookId: w.webhook.id }, body: { isDisabled: false } }) },
    'DELETE /api/v1/webhooks/{webhookId}': { allow: projectAdmins, request: async () => ({ params: { webhookId: await pools.webhook.take() }, consumes: pools.webhook }) },
    'GET /api/v1/webhooks/{webhookId}/deliveries': { allow: projectMembers, request: () => ({ params: { webhookId: w.webhook.id } }) },
    'POST /api/v1/webhooks/{webhookId}/test': { allow: projectAdmins, request: () => ({ params: { webhookId: w.webhook.id } }) },

    // ---- operations (metrics.routes.ts): admins of the instance's first organization (A, created at
    // bootstrap) only. The figures cover every organization, and any user can become the admin of an
    // organization of their own (POST /api/v2/organizations), as otherOrg did.
    'GET /metrics': { allow: ['orgAdmin'], request: () => ({}) },
  };
  return { rows, pools };
}

type Finding = { route: string; actor: ActorName; status: number; detail?: string };

function canariesFor(m: MatrixWorld, actor: ActorName): string[] {
  const { w } = m;
  const project = [w.project.id, w.folder.id, w.secret.id, w.secretImport.id, w.tag.id, w.role.id, w.webhook.id, w.rotation.id];
  if (actor !== 'otherOrg') return project;
  return [...project, w.orgId, w.connection.id, w.identity.identityId, w.identity.clientId, w.member.userId, m.identityMemberId];
}

describe('authorization matrix: every route × every kind of caller', () => {
  let m: MatrixWorld;
  let table: Record<string, Row>;
  let pools: Record<string, Pool<unknown>>;
  let operations: RouteOperation[];

  beforeAll(async () => {
    const w = await buildWorld({ targets: 6 });
    const t = w.t;
    const projectId = w.project.id;
    const orgAdmin = await createUser(t, w.setupToken, { orgRole: 'admin' });
    const viewer = await createUser(t, w.setupToken, { orgRole: 'member', projectId, projectRole: 'viewer' });
    // `developer` is Infisical's name for the member role; it is stored as `member`.
    const developer = await createUser(t, w.setupToken, { orgRole: 'member', projectId, projectRole: 'developer' });
    const projectAdmin = await createUser(t, w.setupToken, { orgRole: 'member', projectId, projectRole: 'admin' });
    const identityMember = await createMachineIdentity(t, w.setupToken, { orgRole: 'member', projectId, projectRole: 'member' });
    const identityNoProject = await createMachineIdentity(t, w.setupToken, { orgRole: 'member' });

    // Organization B: founded by a member of A, whose admin `otherOrg` belongs to B only and has a project there.
    const founder = await createUser(t, w.setupToken, { orgRole: 'member' });
    const orgB = await api<{ organization: { id: string } }>(t, 'POST', '/api/v2/organizations', founder.token, { name: 'Org B' });
    const switched = await api<{ accessToken: string }>(t, 'POST', '/api/v3/auth/select-organization', founder.token, { organizationId: orgB.organization.id });
    const otherOrg = await createUser(t, switched.accessToken, { orgRole: 'admin' });
    await api(t, 'POST', '/api/v2/workspace', otherOrg.token, { projectName: 'Org B project' });

    // A password of the connection's app that the matrix knows, to create connections with.
    const rotatorSecret = sentinelValue('rotator-secret');
    w.h.emulator.admin.addPasswordCredential(w.h.tenantId, w.h.rotator.objectId, { secretText: rotatorSecret, displayName: 'authorization matrix' });

    const user = (name: ActorName, created: { token: string; password: string }): Actor => ({ name, token: created.token, password: created.password });
    m = {
      w,
      emails: { viewer: viewer.email, developer: developer.email, projectAdmin: projectAdmin.email },
      identityMemberId: identityMember.identityId,
      rotatorSecret,
      actors: {
        anonymous: { name: 'anonymous' },
        otherOrg: user('otherOrg', otherOrg),
        viewer: user('viewer', viewer),
        developer: user('developer', developer),
        projectAdmin: user('projectAdmin', projectAdmin),
        orgAdmin: user('orgAdmin', orgAdmin),
        identityMember: { name: 'identityMember', token: identityMember.accessToken },
        identityNoProject: { name: 'identityNoProject', token: identityNoProject.accessToken },
      },
    };
    ({ rows: table, pools } = buildTable(m));
    await t.app.ready();
    operations = openApiOperations(t.app);
  });

  afterAll(async () => {
    if (!m) return;
    captureLogs('authorization-matrix', m.w.t.logs.join(''));
    await m.w.close();
  });

  it('the table names every route of the OpenAPI document, and its public routes are the declared ones', () => {
    const documented = operations.map((operation) => operation.key);
    expect(documented.length).toBeGreaterThan(100);
    expect(documented.filter((key) => !(key in table)), 'routes missing from the table').toEqual([]);
    expect(Object.keys(table).filter((key) => !documented.includes(key)), 'table rows for routes that do not exist').toEqual([]);
    const declaredPublic = m.w.t.app.declaredRoutes
      .filter((route) => isPublicAccess(route.access))
      .map((route) => `${route.method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`)
      .filter((key) => documented.includes(key));
    expect([...declaredPublic].sort()).toEqual([...publicRoutes].sort());
  });

  it('no caller gets a 2xx the table does not allow; allowed callers get one; anonymous callers get 401', async () => {
    const t = m.w.t;
    const ordered = [...operations.filter((op) => !table[op.key]?.isLast), ...operations.filter((op) => table[op.key]?.isLast)];
    const statuses = new Map<string, Partial<Record<ActorName, number>>>();
    const unexpected2xx: Finding[] = [];
    const refused: Finding[] = [];
    const anonymousNot401: Finding[] = [];
    const serverErrors: Finding[] = [];
    const revealed: Finding[] = [];
    let requests = 0;
    const started = Date.now();

    for (const operation of ordered) {
      const row = table[operation.key];
      if (!row) continue;
      const isPublic = publicRoutes.includes(operation.key);
      const byActor: Partial<Record<ActorName, number>> = {};
      for (const name of actorNames) {
        const actor = m.actors[name];
        const spec = await row.request(actor);
        const search = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '';
        const url = `${fillPath(operation.path, spec.params ?? {})}${search}`;
        const result = await send(t, operation.method, url, {
          ...(actor.token ? { token: actor.token } : {}),
          ...(spec.body === undefined ? {} : { body: spec.body }),
          ...(spec.headers ? { headers: spec.headers } : {}),
        });
        requests += 1;
        byActor[name] = result.status;
        const isAllowed = row.allow.includes(name);
        const isSuccess = result.status >= 200 && result.status < 300;
        const finding = { route: operation.key, actor: name, status: result.status, detail: result.body.slice(0, 300) };
        captureResponse({
          source: 'authorization-matrix',
          method: operation.method,
          url,
          status: result.status,
          body: result.body,
          mayContainSecrets: isSuccess && isAllowed && row.secretValues === true,
        });
        if (result.status >= 500) serverErrors.push(finding);
        if (isSuccess && !isAllowed) unexpected2xx.push(finding);
        if (!isSuccess && isAllowed) refused.push(finding);
        if (name === 'anonymous' && !isPublic && result.status !== 401) anonymousNot401.push(finding);
        if (isSuccess && !isPublic && (name === 'otherOrg' || row.blind?.includes(name))) {
          const seen = canariesFor(m, name).filter((canary) => result.body.includes(canary));
          if (seen.length > 0) revealed.push({ ...finding, detail: `answer contains ${seen.join(', ')}` });
        }
        if (isSuccess) {
          spec.consumes?.consume();
          spec.after?.();
        }
      }
      statuses.set(operation.key, byActor);
    }

    const width = Math.max(...operations.map((op) => op.key.length));
    const header = `${'route'.padEnd(width)}  ${actorNames.map((name) => columnLabels[name].padStart(8)).join(' ')}`;
    const lines = operations.map((op) => {
      const row = table[op.key];
      const cells = actorNames.map((name) => {
        const status = statuses.get(op.key)?.[name];
        const mark = row?.allow.includes(name) ? '+' : ' ';
        return `${mark}${status ?? '-'}`.padStart(8);
      });
      return `${op.key.padEnd(width)}  ${cells.join(' ')}`;
    });
    console.log(
      [
        `authorization matrix: ${operations.length} routes × ${actorNames.length} callers = ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (+ = the table allows a 2xx)`,
        `callers: ${actorNames.map((name) => `${columnLabels[name]}=${name}`).join(', ')}`,
        header,
        ...lines,
        `fresh objects made for rows that delete or use one up: ${Object.values(pools).reduce((sum, p) => sum + p.created, 0)}`,
        `unexpected 2xx: ${unexpected2xx.length}, refused where allowed: ${refused.length}, anonymous not 401: ${anonymousNot401.length}, 5xx: ${serverErrors.length}, objects revealed to blind callers: ${revealed.length}`,
      ].join('\n'),
    );
    const describe = (findings: Finding[]) => findings.map((f) => `${f.route} as ${f.actor} → ${f.status} ${f.detail ?? ''}`);
    expect(describe(unexpected2xx), 'unexpected 2xx').toEqual([]);
    expect(describe(serverErrors), '5xx answers').toEqual([]);
    expect(describe(anonymousNot401), 'non-public routes that did not answer 401 without a token').toEqual([]);
    expect(describe(revealed), 'objects of organization A in answers to callers who may not see them').toEqual([]);
    expect(describe(refused), 'allowed callers refused (a denial of legitimate access, or a request the matrix built wrong)').toEqual([]);
  });
});
