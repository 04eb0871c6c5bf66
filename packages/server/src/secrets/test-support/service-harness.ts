import { recordingAuditLog } from '../../test-support/recording-audit.js';
import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditLog } from '../../audit/audit.types.js';
import type { Actor } from '../../auth/actor.js';
import { createKeyring, type Keyring } from '../../crypto/keyring.js';
import { createDatabase, migrateToLatest, type Db } from '../../db/database.js';
import { forbidden, notFound } from '../../http/errors.js';
import { systemClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import type { PermissionAction, PermissionService, PermissionTarget, ProjectAccess, ProjectSubject } from '../../permissions/permissions.types.js';
import { createTestDatabase } from '../../test-support/test-app.js';
import { createSecretsService, type SecretsService } from '../secrets.service.js';

/**
 * The secrets service on a real, migrated database without HTTP: an organization, a project with
 * dev/staging/prod, a permission fake driven by a predicate per actor, and an audit fake that records
 * events (and writes nothing). For service-level tests such as the rotation engine's managed-secrets API.
 */
export type Rule = (subject: ProjectSubject, action: PermissionAction, target: PermissionTarget) => boolean;

export type ServiceHarness = {
  db: Db;
  keyring: Keyring;
  secrets: SecretsService;
  orgId: string;
  projectId: string;
  events: AuditEvent[];
  user(name: string, rule?: Rule): Actor;
  system: Actor;
  close(): Promise<void>;
};

export async function startServiceHarness(): Promise<ServiceHarness> {
  const { url } = await createTestDatabase();
  const db = createDatabase(url, { maxConnections: 4 });
  await migrateToLatest(db);
  const keyring = createKeyring({ db, rootKey: randomBytes(32), ids: randomIds });
  const orgId = randomIds.uuid();
  const projectId = randomIds.uuid();
  await db.insertInto('organizations').values({ id: orgId, name: 'Org', slug: `org-${orgId.slice(0, 8)}`, created_at: new Date(), updated_at: new Date() }).execute();
  await db
    .insertInto('projects')
    .values({ id: projectId, org_id: orgId, name: 'Project', slug: 'project', description: '', created_at: new Date(), updated_at: new Date() })
    .execute();
  let position = 0;
  for (const slug of ['dev', 'staging', 'prod']) {
    await db
      .insertInto('project_environments')
      .values({ id: randomIds.uuid(), project_id: projectId, name: slug, slug, position: position++, created_at: new Date(), updated_at: new Date() })
      .execute();
  }

  const rules = new Map<string, Rule>();
  const keyOf = (actor: Actor) => (actor.type === 'user' ? actor.userId : actor.type === 'identity' ? actor.identityId : 'system');
  const access = (actor: Actor): ProjectAccess => {
    const rule = rules.get(keyOf(actor)) ?? (() => true);
    const can = (subject: ProjectSubject, action: PermissionAction, target: PermissionTarget = {}) => rule(subject, action, target);
    return {
      projectId,
      orgId,
      actor,
      roles: ['test'],
      can,
      assert: (subject, action, target) => {
        if (!can(subject, action, target)) throw forbidden(`Permission denied: ${action} ${subject} ${JSON.stringify(target ?? {})}`);
      },
    };
  };
  const permissions: PermissionService = {
    forProject: async (actor, id) => {
      if (id !== projectId || actor.orgId !== orgId) throw notFound(`Project '${id}' not found`);
      return access(actor);
    },
    forProjectSlug: async (actor, slug) => {
      if (slug !== 'project' || actor.orgId !== orgId) throw notFound(`Project '${slug}' not found`);
      return access(actor);
    },
    forOrg: () => {
      throw new Error('not used by the secrets domain');
    },
  };
  const events: AuditEvent[] = [];
  const audit: AuditLog = recordingAuditLog(events);
  const secrets = createSecretsService({ db, keyring, clock: systemClock, ids: randomIds, audit, permissions });
  return {
    db,
    keyring,
    secrets,
    orgId,
    projectId,
    events,
    user(name, rule) {
      const userId = randomIds.uuid();
      if (rule) rules.set(userId, rule);
      return { type: 'user', userId, email: `${name}@example.com`, orgId, orgRole: 'member', sessionId: randomIds.uuid() };
    },
    system: { type: 'system', orgId, reason: 'secret-rotation' },
    close: () => db.destroy(),
  };
}
