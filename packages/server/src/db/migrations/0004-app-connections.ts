import { type Kysely, sql } from 'kysely';

/** App connections: credentials for external systems (first: an Azure tenant), encrypted per organization. */
const statements = [
  `create table app_connections (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    description text,
    app text not null,
    method text not null,
    encrypted_credentials bytea not null,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, name)
  )`,
  'create index app_connections_org_app_idx on app_connections (org_id, app)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table if exists app_connections').execute(db);
}
