import { sql } from 'kysely';
import { removeMarked } from './attempt.js';
import { rotationMarkerPrefix, trackedExternalIds } from './credential-slots.js';
import type { EngineDeps } from './engine.types.js';
import { gateProvider } from './gated-provider.js';
import { type CallGate, ungated } from './limiter.js';
import { providerFor } from './registry.js';

/**
 * Removes credentials that carry a rotation's marker but that Rekey neither tracks nor is still working
 * on. It takes no lease (so it never blocks "rotate now"): a credential is only removed when the attempt
 * named in its marker has finished, and a finished attempt's credential is either tracked or queued for
 * revocation. Attempt rows exist before their credential does, so a listed credential is never newer
 * than the journal read after the listing.
 */
export async function sweepOrphans(deps: EngineDeps, gate: CallGate = ungated): Promise<void> {
  const rotations = await deps.db.selectFrom('secret_rotations').selectAll().execute();
  for (const rotation of rotations) {
    const registered = providerFor(rotation.type);
    if (!registered) continue;
    const provider = gateProvider(registered, gate, rotation.connection_id);
    try {
      const connection = await deps.connections.resolve(rotation.type, rotation.org_id, rotation.connection_id);
      const marked = await provider.listMarked(connection, rotation.parameters, rotationMarkerPrefix(rotation.id));
      if (marked.length === 0) continue;
      const current = await deps.db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirst();
      if (!current) continue;
      const pending = await deps.db.selectFrom('secret_rotation_pending_revocations').select('external_id').where('rotation_id', '=', rotation.id).execute();
      const busy = await deps.db
        .selectFrom('secret_rotation_attempts')
        .select('marker')
        .where('rotation_id', '=', rotation.id)
        .where('step', 'not in', ['completed', 'failed', 'abandoned'])
        .execute();
      const keep = new Set([...trackedExternalIds(current), ...pending.map((row) => row.external_id)]);
      const busyMarkers = new Set(busy.map((row) => row.marker));
      for (const credential of marked) {
        if (keep.has(credential.externalId) || busyMarkers.has(credential.marker)) continue;
        await removeMarked(deps, provider, connection, rotation.parameters, credential.marker, current);
      }
    } catch (error) {
      deps.logger.warn({ err: error, rotationId: rotation.id }, 'orphan sweep failed for a rotation; will try again');
    }
  }
}

/**
 * Closes attempts that published their credential and whose remaining work (revoking the replaced
 * credential) finished without them, e.g. after a crash: the revocation list is worked by every tick.
 * A first credential's background verification that outlived its process is closed with a note.
 */
export async function closeFinishedAttempts(deps: EngineDeps): Promise<void> {
  const now = deps.clock.now();
  const verificationDeadline = new Date(now.getTime() - deps.settings.verifyTimeoutMs - deps.settings.leaseMs);
  await sql`
    update secret_rotation_attempts a set step = 'completed', finished_at = ${now}
    where a.step = 'promoted' and a.verified_at is not null
      and not exists (select 1 from secret_rotation_pending_revocations p where p.rotation_id = a.rotation_id)
      and exists (select 1 from secret_rotations r where r.id = a.rotation_id and (r.lease_expires_at is null or r.lease_expires_at < ${now}))`.execute(deps.db);
  await sql`
    update secret_rotation_attempts a set step = 'completed', finished_at = ${now},
      error_message = 'Verification of the published credential was interrupted (the server stopped); use check-credentials to test it'
    where a.step = 'promoted' and a.verified_at is null and a.promoted_at < ${verificationDeadline}`.execute(deps.db);
}
