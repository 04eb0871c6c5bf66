import { sql } from 'kysely';
import type { EngineDeps } from './engine.types.js';
import { pendingLeaseOwner } from './lease.js';

/** A rotation a scheduler pass leased: due for an attempt, or left `rotating` by a worker that died. */
export type LeasedRotation = { id: string; orgId: string; connectionId: string; target: string; isAbandoned: boolean };

/**
 * Leases up to `limit` rotations for this worker's scheduler pass, in one statement, choosing only what
 * the process can start right away: at most one rotation per target (the external object a rotation
 * writes to; Azure: the application, named by `objectId`), none on a target this process is busy with,
 * and no more per connection than the connection has room for. Picking rotations the limiter would then
 * refuse would hand their leases straight back and leave slots empty until the next pass.
 *
 * Interrupted attempts (status `rotating`, lease expired or released) come first, then due rotations,
 * oldest first. Rows are locked with SKIP LOCKED and re-checked, so no two workers lease the same one.
 */
export async function leaseClaimable(
  deps: Pick<EngineDeps, 'db' | 'clock' | 'settings'>,
  input: { limit: number; busyTargets: string[]; connectionRoom: Record<string, number>; perConnectionDefault: number },
): Promise<LeasedRotation[]> {
  if (input.limit <= 0) return [];
  const now = deps.clock.now();
  const until = new Date(now.getTime() + deps.settings.leaseMs);
  const target = sql`coalesce(parameters->>'objectId', id::text)`;
  const isClaimable = sql`(lease_expires_at is null or lease_expires_at < ${now})
    and (status = 'rotating' or (is_auto_rotation_enabled and next_rotation_at <= ${now}))`;
  // Abandoned first (a released lease before an expired one), then due by due time; among rotations due
  // at the same moment, those whose application has the most waiting first, so that no application is
  // left with a long queue at the end, when its rotations could only run one after another.
  const order = sql`(status = 'rotating') desc, case when status = 'rotating' then lease_expires_at else next_rotation_at end nulls first, waiting_on_target desc`;
  const result = await sql<{ id: string; org_id: string; connection_id: string; target: string; status: string }>`
    with one_per_target as (
      select distinct on (target) * from (
        select id, org_id, connection_id, status, lease_expires_at, next_rotation_at, ${target} as target,
          count(*) over (partition by ${target}) as waiting_on_target
        from secret_rotations
        where ${isClaimable}
      ) claimable
      where not (target = any(${input.busyTargets}::text[]))
      order by target, ${order}
    ),
    ranked as (
      select id, connection_id, status, lease_expires_at, next_rotation_at, waiting_on_target,
        row_number() over (partition by connection_id order by ${order}) as rank_in_connection
      from one_per_target
    ),
    picked as (
      select id from ranked
      where rank_in_connection <= coalesce((${JSON.stringify(input.connectionRoom)}::jsonb ->> connection_id::text)::int, ${input.perConnectionDefault})
      order by ${order}
      limit ${input.limit}
    )
    update secret_rotations set lease_owner = ${pendingLeaseOwner(deps)}, lease_expires_at = ${until}
    where id in (
      select id from secret_rotations
      where id in (select id from picked) and ${isClaimable}
      for update skip locked
    )
    returning id, org_id, connection_id, ${target} as target, status`.execute(deps.db);
  return result.rows.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    connectionId: row.connection_id,
    target: row.target,
    isAbandoned: row.status === 'rotating',
  }));
}
