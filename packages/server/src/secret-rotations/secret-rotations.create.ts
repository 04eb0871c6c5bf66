import type { RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import { actorRef } from '../auth/actor.js';
import { badRequest, conflict } from '../http/errors.js';
import type { ProjectAccess } from '../permissions/permissions.types.js';
import { insertClaimedAttempt } from './engine/journal-writes.js';
import { attemptLeaseOwner } from './engine/lease.js';
import type { Claim } from './engine/lease.js';
import type { AnyRotationProvider } from './engine/registry.js';
import { isNameTaken } from './secret-rotations.repo.js';
import { type CreateRotationInput, resolveRotateAt, type SecretRotationsServiceDeps, toRequestError } from './secret-rotations.service.js';

/**
 * Validates everything a rotation needs before anything is created (in Rekey or in Azure), then inserts
 * the rotation already claimed for its first attempt, in one transaction. Order matters: every check
 * that can fail on bad input runs before the first external write.
 */
export async function createRotationRow(
  deps: SecretRotationsServiceDeps,
  input: { actor: Actor; access: ProjectAccess; provider: AnyRotationProvider; input: CreateRotationInput; origin?: RequestOrigin },
): Promise<{ rotationId: string; claim: Claim }> {
  const { actor, access, provider } = input;
  const body = input.input;
  const parameters = provider.parametersSchema.safeParse(body.parameters);
  if (!parameters.success) throw badRequest(`Invalid parameters: ${parameters.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const mapping = provider.mappingSchema.safeParse(body.secretsMapping);
  if (!mapping.success) throw badRequest(`Invalid secretsMapping: ${mapping.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);

  access.assert('secret-rotations', 'create', { environment: body.environment, secretPath: body.secretPath, connectionId: body.connectionId });
  const environment = await deps.findEnvironment(body.projectId, body.environment);
  const connection = await deps.connections.describe(actor.orgId, body.connectionId);
  if (connection.app !== provider.connectionApp) {
    throw badRequest(`Connection "${connection.name}" is a ${connection.app} connection; ${provider.name} rotations need a ${provider.connectionApp} connection`);
  }
  deps.permissions.forOrg(actor).assert('app-connections', 'connect', { connectionId: body.connectionId });
  if (await isNameTaken(deps.db, body.projectId, body.name)) throw conflict(`A secret rotation named "${body.name}" already exists in this project`);
  const keys = Object.values(mapping.data);
  await deps.secrets.assertKeysAvailable(deps.db, { projectId: body.projectId, environmentId: environment.id, secretPath: body.secretPath, keys });

  const handle = await deps.connections.resolve(provider.type, actor.orgId, body.connectionId);
  await provider.preflight(handle, parameters.data, []).catch((error: unknown) => {
    throw toRequestError(error);
  });

  const rotateAt = resolveRotateAt(body);
  const now = deps.clock.now();
  const rotationId = deps.ids.uuid();
  const attemptId = deps.ids.uuid();
  const ref = actorRef(actor);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('secret_rotations')
      .values({
        id: rotationId,
        org_id: actor.orgId,
        project_id: body.projectId,
        environment_id: environment.id,
        secret_path: body.secretPath,
        name: body.name,
        description: body.description ?? null,
        type: provider.type,
        connection_id: body.connectionId,
        parameters: JSON.stringify(parameters.data),
        secrets_mapping: JSON.stringify(mapping.data),
        is_auto_rotation_enabled: body.isAutoRotationEnabled,
        rotation_interval: body.rotationInterval,
        rotate_at_hours: rotateAt.hours,
        rotate_at_minutes: rotateAt.minutes,
        time_zone: rotateAt.timeZone,
        active_index: 0,
        status: 'rotating',
        is_last_rotation_manual: true,
        consecutive_failures: 0,
        // Claimed at birth: no scheduler or recovery pass can touch it while the first attempt runs here.
        lease_owner: attemptLeaseOwner(deps.engine, attemptId),
        lease_expires_at: new Date(now.getTime() + deps.engine.leaseMs),
        last_rotation_attempted_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertClaimedAttempt(trx, { attemptId, rotationId, trigger: 'create', actor: ref, now });
    await deps.audit.record(
      {
        actor,
        orgId: actor.orgId,
        projectId: body.projectId,
        eventType: 'create-secret-rotation',
        resourceType: 'secret-rotation',
        resourceId: rotationId,
        metadata: { rotationId, type: provider.type, name: body.name, environment: body.environment, secretPath: body.secretPath, connectionId: body.connectionId, parameters: parameters.data, secretsMapping: mapping.data },
        ...(input.origin ? { origin: input.origin } : {}),
      },
      trx,
    );
  });
  return { rotationId, claim: { rotationId, attemptId, trigger: 'create', leaseOwner: attemptLeaseOwner(deps.engine, attemptId) } };
}
