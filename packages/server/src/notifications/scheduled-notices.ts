import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { LifecycleEvent, RotationRef } from './lifecycle-events.js';
import type { NotificationsDb } from './notifications.tables.js';

const dayMs = 86_400_000;

export type ScheduledNoticesDeps = {
  db: NotificationsDb;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  settings: { expiryMarginDays: number; upcomingLeadMinutes: number };
  emit(event: LifecycleEvent): Promise<void>;
};

type RotationCandidate = RotationRef & {
  rotation_interval: number;
  external_id: string | null;
  expires_at: Date | null;
  next_rotation_at: Date | null;
};

const refColumns = ['id', 'org_id', 'project_id', 'environment_id', 'secret_path', 'name', 'type'] as const;

function refOf(row: RotationCandidate): RotationRef {
  return { id: row.id, org_id: row.org_id, project_id: row.project_id, environment_id: row.environment_id, secret_path: row.secret_path, name: row.name, type: row.type };
}

/**
 * Notices that come from the clock rather than from an attempt: the expiry guard (`credential.expiring`) and
 * `rotation.upcoming`. Each notice is claimed in `rotation_notices` with a unique key first (the credential's
 * keyId, the scheduled time), so it fires once however often the check runs and however many replicas run it.
 */
export function createScheduledNotices(deps: ScheduledNoticesDeps) {
  /** True when this call recorded the notice (nobody had before). */
  async function claimNotice(db: NotificationsDb, rotationId: string, kind: string, key: string): Promise<boolean> {
    const inserted = await db
      .insertInto('rotation_notices')
      .values({ id: deps.ids.uuid(), rotation_id: rotationId, kind, key, created_at: deps.clock.now() })
      .onConflict((oc) => oc.columns(['rotation_id', 'kind', 'key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * The expiry guard: every rotation's active credential must have more than the margin left before its end
   * date. The margin is REKEY_EXPIRY_MARGIN_DAYS but at most the rotation interval: a healthy rotation's active
   * credential always has at least interval + grace days left, so only a rotation that has stopped replacing
   * its credential trips it. A flagged rotation gets an attention reason (unless it already has one).
   */
  async function checkExpiring(): Promise<number> {
    const now = deps.clock.now();
    const margin = deps.settings.expiryMarginDays;
    const rows = await deps.db
      .selectFrom('secret_rotations')
      .select(refColumns)
      .select(['rotation_interval', 'next_rotation_at'])
      .select(sql<string | null>`case when active_index = 0 then slot0_external_id else slot1_external_id end`.as('external_id'))
      .select(sql<Date | null>`case when active_index = 0 then slot0_expires_at else slot1_expires_at end`.as('expires_at'))
      .where(sql<boolean>`(case when active_index = 0 then slot0_expires_at else slot1_expires_at end)
        < ${now}::timestamptz + least(${margin}::int, rotation_interval) * interval '1 day'`)
      .execute();
    let emitted = 0;
    for (const row of rows as RotationCandidate[]) {
      if (!row.external_id || !row.expires_at) continue;
      const marginDays = Math.min(margin, row.rotation_interval);
      const daysLeft = Math.floor((row.expires_at.getTime() - now.getTime()) / dayMs);
      const reason =
        daysLeft < 0
          ? `The active credential (keyId ${row.external_id}) expired on ${row.expires_at.toISOString()}; rotate now so applications can sign in again.`
          : `The active credential (keyId ${row.external_id}) expires on ${row.expires_at.toISOString()}, less than ${marginDays} day${marginDays === 1 ? '' : 's'} away; check why rotations are not replacing it and rotate now.`;
      const isNew = await deps.db.transaction().execute(async (trx) => {
        if (!(await claimNotice(trx, row.id, 'credential.expiring', row.external_id as string))) return false;
        await trx.updateTable('secret_rotations').set({ attention_reason: reason }).where('id', '=', row.id).where('attention_reason', 'is', null).execute();
        return true;
      });
      if (!isNew) continue;
      emitted++;
      await deps.emit({
        type: 'credential.expiring',
        rotation: refOf(row),
        details: { keyId: row.external_id, expiresAt: row.expires_at.toISOString(), daysLeft, marginDays },
      });
    }
    // Notices of deleted rotations, and upcoming notices long past, are no longer needed.
    await deps.db.deleteFrom('rotation_notices').where(({ not, exists, selectFrom }) => not(exists(selectFrom('secret_rotations as r').select('r.id').whereRef('r.id', '=', 'rotation_notices.rotation_id')))).execute();
    await deps.db.deleteFrom('rotation_notices').where('kind', '=', 'rotation.upcoming').where('created_at', '<', new Date(now.getTime() - 30 * dayMs)).execute();
    return emitted;
  }

  /** `rotation.upcoming`: a scheduled rotation will run within the lead time (once per scheduled time). */
  async function checkUpcoming(): Promise<number> {
    const leadMs = deps.settings.upcomingLeadMinutes * 60_000;
    if (leadMs === 0) return 0;
    const now = deps.clock.now();
    const rows = await deps.db
      .selectFrom('secret_rotations')
      .select(refColumns)
      .select(['rotation_interval', 'next_rotation_at'])
      .where('is_auto_rotation_enabled', '=', true)
      // Only runs on the schedule: a failed rotation's next run is a retry, announced by rotation.failed.
      .where('status', '=', 'success')
      .where('next_rotation_at', '>', now)
      .where('next_rotation_at', '<=', new Date(now.getTime() + leadMs))
      .execute();
    let emitted = 0;
    for (const row of rows) {
      const scheduledAt = row.next_rotation_at?.toISOString();
      if (!scheduledAt || !(await claimNotice(deps.db, row.id, 'rotation.upcoming', scheduledAt))) continue;
      emitted++;
      await deps.emit({ type: 'rotation.upcoming', rotation: refOf(row as RotationCandidate), details: { scheduledAt } });
    }
    return emitted;
  }

  return { checkExpiring, checkUpcoming };
}
