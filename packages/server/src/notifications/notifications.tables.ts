import type { Kysely } from 'kysely';
import type { Json, Timestamp } from '../db/column-types.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export type WebhooksTable = {
  id: string;
  org_id: string;
  project_id: string;
  /** Null: events of every environment. */
  environment_id: string | null;
  /** A glob over the rotation's folder path, e.g. `/**` or `/api/**`. */
  secret_path: string;
  url: string;
  events: Json<string[]>;
  /** The signing secret, sealed with the org data key (associated data names the webhook). */
  encrypted_secret: Buffer;
  is_disabled: boolean;
  last_status: DeliveryStatus | null;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  created_by_type: string;
  created_by_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** One event for one webhook: the durable outbox the delivery loop works from, and the visible delivery log. */
export type WebhookDeliveriesTable = {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent; never contains a secret value. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  /** When the next attempt is due; null once delivered or given up. */
  next_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** Periodic notices that must fire once (per scheduled run, per credential), even with several replicas. */
export type RotationNoticesTable = {
  id: string;
  rotation_id: string;
  kind: string;
  key: string;
  created_at: Timestamp;
};

export type NotificationTables = {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  rotation_notices: RotationNoticesTable;
};

export type NotificationsDb = Kysely<Database & NotificationTables>;

/** The shared database handle, typed with this module's tables too (they are not part of the shared schema type). */
export function notificationsDb(db: Db): NotificationsDb {
  return db.withTables<NotificationTables>();
}
