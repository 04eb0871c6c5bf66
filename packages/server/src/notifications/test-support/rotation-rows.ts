import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { RotationRef } from '../lifecycle-events.js';

/**
 * A rotation row written straight to the database, for tests that drive this module's events without Azure.
 * Its connection row holds no usable credentials: nothing here ever calls out.
 */
export async function insertRotation(
  db: Db,
  input: { orgId: string; projectId: string; environmentId: string; secretPath?: string; name?: string; activeKeyId?: string; activeExpiresAt?: Date; rotationInterval?: number; nextRotationAt?: Date | null },
): Promise<RotationRef> {
  const connectionId = randomUUID();
  await db
    .insertInto('app_connections')
    .values({ id: connectionId, org_id: input.orgId, name: `conn-${connectionId.slice(0, 8)}`, description: null, app: 'azure-client-secrets', method: 'client-secret', encrypted_credentials: Buffer.from('not-a-credential') })
    .execute();
  const id = randomUUID();
  const row = {
    id,
    org_id: input.orgId,
    project_id: input.projectId,
    environment_id: input.environmentId,
    secret_path: input.secretPath ?? '/',
    name: input.name ?? `rotation-${id.slice(0, 8)}`,
    type: 'azure-client-secret',
  };
  await db
    .insertInto('secret_rotations')
    .values({
      ...row,
      description: null,
      connection_id: connectionId,
      parameters: JSON.stringify({ objectId: randomUUID(), clientId: randomUUID() }),
      secrets_mapping: JSON.stringify({ clientId: 'AZURE_CLIENT_ID', clientSecret: 'AZURE_CLIENT_SECRET' }),
      is_auto_rotation_enabled: true,
      rotation_interval: input.rotationInterval ?? 30,
      rotate_at_hours: 0,
      rotate_at_minutes: 0,
      time_zone: 'UTC',
      slot0_credential: null,
      slot0_external_id: input.activeKeyId ?? null,
      slot0_expires_at: input.activeExpiresAt ?? null,
      slot1_credential: null,
      slot1_external_id: null,
      slot1_expires_at: null,
      active_index: 0,
      status: 'success',
      last_rotated_at: null,
      last_rotation_attempted_at: null,
      next_rotation_at: input.nextRotationAt ?? null,
      last_rotation_message: null,
      last_failure_category: null,
      is_last_rotation_manual: false,
      consecutive_failures: 0,
      attention_reason: null,
      lease_owner: null,
      lease_expires_at: null,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return row;
}
