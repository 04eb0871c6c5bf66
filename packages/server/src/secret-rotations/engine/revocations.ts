import { sql } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import type { EngineDeps } from './engine.types.js';
import { type CallGate, ungated } from './limiter.js';
import { ProviderError } from './provider-error.js';
import { providerFor } from './registry.js';
import { revokeRetryDelayMs, withTransientRetries } from './retry.js';

type PendingRevocation = {
  id: string;
  rotation_id: string | null;
  org_id: string;
  connection_id: string;
  type: string;
  parameters: Record<string, unknown>;
  external_id: string;
  attempts: number;
};

const systemActor = (orgId: string): Actor => ({ type: 'system', orgId, reason: 'rotation-engine' });

/**
 * Takes due revocations (optionally of one rotation) by pushing their next attempt out by a lease, so
 * two workers never revoke the same credential at once, then revokes each. A failure stays on the list
 * with a growing delay; it never touches the published secrets.
 */
export async function processPendingRevocations(deps: EngineDeps, options: { rotationId?: string; limit?: number; gate?: CallGate } = {}): Promise<number> {
  const gate = options.gate ?? ungated;
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.settings.leaseMs);
  const rotationFilter = options.rotationId ? sql`and rotation_id = ${options.rotationId}` : sql``;
  const claimed = await sql<PendingRevocation>`
    update secret_rotation_pending_revocations set next_attempt_at = ${leaseUntil}
    where id in (
      select id from secret_rotation_pending_revocations
      where next_attempt_at <= ${now} ${rotationFilter}
      order by next_attempt_at limit ${options.limit ?? 20}
      for update skip locked
    )
    returning id, rotation_id, org_id, connection_id, type, parameters, external_id, attempts`.execute(deps.db);

  let revoked = 0;
  for (const row of claimed.rows) {
    try {
      const provider = providerFor(row.type);
      if (!provider) throw new ProviderError('invalid', `no provider for rotation type ${row.type}`);
      const connection = await deps.connections.resolve(row.type, row.org_id, row.connection_id);
      // Each try takes a call slot of the connection just for the call (limiter.ts).
      const outcome = await withTransientRetries(() => gate(row.connection_id, () => provider.revoke(connection, row.parameters, row.external_id)), {
        retries: deps.settings.transientRetries,
        baseDelayMs: deps.settings.transientBaseDelayMs,
        signal: deps.shutdownSignal,
      });
      await deps.db.deleteFrom('secret_rotation_pending_revocations').where('id', '=', row.id).execute();
      revoked++;
      if (row.rotation_id) {
        const rotation = await deps.db
          .selectFrom('secret_rotations')
          .select(['id', 'org_id', 'project_id', 'environment_id', 'secret_path', 'name', 'type'])
          .where('id', '=', row.rotation_id)
          .executeTakeFirst();
        if (rotation) {
          deps.onEvent?.({ type: 'rotation.revoked', rotation, details: { keyId: row.external_id, outcome } });
          await deps.audit.record({
            actor: systemActor(row.org_id),
            orgId: row.org_id,
            projectId: rotation.project_id,
            eventType: 'secret-rotation-revoke-credential',
            resourceType: 'secret-rotation',
            resourceId: rotation.id,
            metadata: { keyId: row.external_id, outcome },
          });
        }
      }
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ rotationId: row.rotation_id, keyId: row.external_id, attempts, msg: message }, 'revoking a replaced credential failed; will retry');
      await deps.db
        .updateTable('secret_rotation_pending_revocations')
        .set({ attempts, last_error: message.slice(0, 1024), next_attempt_at: new Date(deps.clock.now().getTime() + revokeRetryDelayMs(attempts)) })
        .where('id', '=', row.id)
        .execute();
    }
  }
  return revoked;
}
