import { type Kysely, sql } from 'kysely';

/**
 * Project webhooks for rotation lifecycle events, their durable delivery log, and the notices table that
 * makes periodic notifications (rotation upcoming, credential expiring) fire once across replicas.
 */
const statements = [
  `create table webhooks (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    project_id uuid not null references projects(id) on delete cascade,
    environment_id uuid references project_environments(id) on delete cascade,
    secret_path text not null,
    url text not null,
    events jsonb not null,
    encrypted_secret bytea not null,
    is_disabled boolean not null default false,
    last_status text,
    last_error text,
    last_attempt_at timestamptz,
    created_by_type text not null,
    created_by_id text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  'create index webhooks_project_idx on webhooks (project_id)',
  `create table webhook_deliveries (
    id uuid primary key,
    webhook_id uuid not null references webhooks(id) on delete cascade,
    event_id uuid not null,
    event_type text not null,
    payload text not null,
    status text not null,
    attempts integer not null default 0,
    response_status integer,
    last_error text,
    next_attempt_at timestamptz,
    delivered_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint webhook_deliveries_status_check check (status in ('pending', 'delivered', 'failed'))
  )`,
  `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`,
  'create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc)',
  `create table rotation_notices (
    id uuid primary key,
    rotation_id uuid not null,
    kind text not null,
    key text not null,
    created_at timestamptz not null default now(),
    unique (rotation_id, kind, key)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rotation_notices', 'webhook_deliveries', 'webhooks']) await sql.raw(`drop table if exists ${table}`).execute(db);
}
