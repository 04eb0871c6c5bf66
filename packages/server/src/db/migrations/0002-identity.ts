import { type Kysely, sql } from 'kysely';

/**
 * Identity and access: organizations, users and their sessions, machine identities with Universal Auth,
 * projects with environments, memberships and custom roles, and the append-only audit log.
 */
const statements = [
  `create table organizations (
    id uuid primary key,
    name text not null,
    slug text not null unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table users (
    id uuid primary key,
    email text not null unique,
    password_hash text,
    first_name text,
    last_name text,
    is_super_admin boolean not null default false,
    password_changed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table org_memberships (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    role text not null,
    status text not null check (status in ('invited', 'accepted')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, user_id)
  )`,
  'create index org_memberships_user_idx on org_memberships (user_id)',
  `create table org_invitations (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    membership_id uuid not null references org_memberships(id) on delete cascade,
    email text not null,
    token_hash text not null unique,
    invited_by text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz
  )`,
  `create table user_sessions (
    id uuid primary key,
    user_id uuid not null references users(id) on delete cascade,
    org_id uuid not null references organizations(id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    last_refreshed_at timestamptz,
    revoked_at timestamptz,
    revoked_reason text,
    ip_address text,
    user_agent text
  )`,
  'create index user_sessions_user_idx on user_sessions (user_id)',
  `create table refresh_tokens (
    id uuid primary key,
    session_id uuid not null references user_sessions(id) on delete cascade,
    token_hash text not null unique,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
  )`,
  'create index refresh_tokens_session_idx on refresh_tokens (session_id)',
  `create table identities (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    org_role text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  'create index identities_org_idx on identities (org_id)',
  `create table identity_universal_auths (
    id uuid primary key,
    identity_id uuid not null unique references identities(id) on delete cascade,
    client_id uuid not null unique,
    access_token_ttl integer not null,
    access_token_max_ttl integer not null,
    access_token_num_uses_limit integer not null,
    client_secret_trusted_ips jsonb not null,
    access_token_trusted_ips jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table identity_client_secrets (
    id uuid primary key,
    identity_ua_id uuid not null references identity_universal_auths(id) on delete cascade,
    identity_id uuid not null references identities(id) on delete cascade,
    description text not null,
    prefix text not null,
    secret_hash text not null unique,
    num_uses integer not null default 0,
    num_uses_limit integer not null,
    ttl integer not null,
    is_revoked boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_used_at timestamptz
  )`,
  'create index identity_client_secrets_ua_idx on identity_client_secrets (identity_ua_id)',
  `create table identity_access_tokens (
    id uuid primary key,
    identity_id uuid not null references identities(id) on delete cascade,
    auth_method text not null check (auth_method in ('universal-auth', 'token')),
    client_secret_id uuid references identity_client_secrets(id) on delete set null,
    access_token_ttl integer not null,
    access_token_max_ttl integer not null,
    num_uses integer not null default 0,
    num_uses_limit integer not null,
    is_revoked boolean not null default false,
    created_at timestamptz not null default now(),
    last_renewed_at timestamptz,
    last_used_at timestamptz
  )`,
  'create index identity_access_tokens_identity_idx on identity_access_tokens (identity_id)',
  `create table projects (
    id uuid primary key,
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    slug text not null,
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, slug)
  )`,
  `create table project_environments (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    name text not null,
    slug text not null,
    position integer not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, slug)
  )`,
  `create table project_roles (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    slug text not null,
    name text not null,
    description text not null default '',
    permissions jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, slug)
  )`,
  `create table project_memberships (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    user_id uuid references users(id) on delete cascade,
    identity_id uuid references identities(id) on delete cascade,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (num_nonnulls(user_id, identity_id) = 1),
    unique (project_id, user_id),
    unique (project_id, identity_id)
  )`,
  'create index project_memberships_user_idx on project_memberships (user_id)',
  'create index project_memberships_identity_idx on project_memberships (identity_id)',
  `create table project_membership_roles (
    id uuid primary key,
    membership_id uuid not null references project_memberships(id) on delete cascade,
    role text not null,
    custom_role_id uuid references project_roles(id),
    created_at timestamptz not null default now()
  )`,
  'create index project_membership_roles_membership_idx on project_membership_roles (membership_id)',
  'create index project_membership_roles_custom_idx on project_membership_roles (custom_role_id)',
  // No foreign keys: the audit trail outlives the projects, identities and users it mentions.
  `create table audit_logs (
    id uuid primary key,
    org_id uuid not null,
    project_id uuid,
    actor_type text not null check (actor_type in ('user', 'identity', 'system')),
    actor_id text not null,
    actor_metadata jsonb not null,
    event_type text not null,
    resource_type text,
    resource_id text,
    metadata jsonb not null,
    ip_address text,
    user_agent text,
    created_at timestamptz not null default now()
  )`,
  'create index audit_logs_org_time_idx on audit_logs (org_id, created_at desc)',
  'create index audit_logs_project_time_idx on audit_logs (project_id, created_at desc) where project_id is not null',
  `create function audit_logs_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_logs is append-only: % is not allowed', tg_op;
    end
  $$`,
  `create trigger audit_logs_no_update_or_delete before update or delete on audit_logs
    for each row execute function audit_logs_append_only()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    'audit_logs',
    'project_membership_roles',
    'project_memberships',
    'project_roles',
    'project_environments',
    'projects',
    'identity_access_tokens',
    'identity_client_secrets',
    'identity_universal_auths',
    'identities',
    'refresh_tokens',
    'user_sessions',
    'org_invitations',
    'org_memberships',
    'users',
    'organizations',
  ];
  for (const table of tables) await sql.raw(`drop table if exists ${table}`).execute(db);
  await sql.raw('drop function if exists audit_logs_append_only()').execute(db);
}
