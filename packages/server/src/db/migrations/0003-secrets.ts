import { type Kysely, sql } from 'kysely';

/**
 * Secrets: folders per environment, secrets (values and comments sealed, never plain text), their
 * versions, imports between folders, and tags. Depends on 0002 (projects, project_environments).
 */
const statements = [
  `create table secret_folders (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    environment_id uuid not null references project_environments(id) on delete cascade,
    parent_id uuid references secret_folders(id) on delete cascade,
    name text not null,
    path text not null,
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (environment_id, path),
    check ((parent_id is null) = (path = '/'))
  )`,
  'create index secret_folders_parent_idx on secret_folders (parent_id)',
  `create table secrets (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    environment_id uuid not null references project_environments(id) on delete cascade,
    folder_id uuid not null references secret_folders(id) on delete cascade,
    key text not null,
    type text not null check (type in ('shared', 'personal')),
    owner_type text check (owner_type in ('user', 'identity')),
    owner_id uuid,
    version integer not null,
    encrypted_value bytea not null,
    encrypted_comment bytea,
    skip_multiline_encoding boolean not null default false,
    reminder_note text,
    reminder_repeat_days integer,
    metadata jsonb,
    managed_by_rotation_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((type = 'shared' and owner_id is null and owner_type is null)
        or (type = 'personal' and owner_id is not null and owner_type is not null)),
    check (type = 'shared' or managed_by_rotation_id is null)
  )`,
  // One shared secret per key and folder; one personal override per key, folder and owner.
  `create unique index secrets_shared_key_idx on secrets (folder_id, key) where type = 'shared'`,
  `create unique index secrets_personal_key_idx on secrets (folder_id, key, owner_id) where type = 'personal'`,
  'create index secrets_managed_idx on secrets (managed_by_rotation_id) where managed_by_rotation_id is not null',
  `create table secret_versions (
    id uuid primary key,
    secret_id uuid not null references secrets(id) on delete cascade,
    project_id uuid not null references projects(id) on delete cascade,
    version integer not null,
    key text not null,
    type text not null,
    encrypted_value bytea not null,
    encrypted_comment bytea,
    change text not null check (change in ('created', 'updated', 'restored', 'rotated')),
    actor_type text not null check (actor_type in ('user', 'identity', 'system')),
    actor_id text not null,
    actor_name text,
    created_at timestamptz not null default now(),
    unique (secret_id, version)
  )`,
  `create table secret_imports (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    folder_id uuid not null references secret_folders(id) on delete cascade,
    import_environment_id uuid not null references project_environments(id) on delete cascade,
    import_path text not null,
    position integer not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (folder_id, import_environment_id, import_path)
  )`,
  'create index secret_imports_source_idx on secret_imports (import_environment_id, import_path)',
  `create table secret_tags (
    id uuid primary key,
    project_id uuid not null references projects(id) on delete cascade,
    slug text not null,
    name text not null,
    color text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, slug)
  )`,
  `create table secret_tag_links (
    secret_id uuid not null references secrets(id) on delete cascade,
    tag_id uuid not null references secret_tags(id) on delete cascade,
    primary key (secret_id, tag_id)
  )`,
  'create index secret_tag_links_tag_idx on secret_tag_links (tag_id)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['secret_tag_links', 'secret_tags', 'secret_imports', 'secret_versions', 'secrets', 'secret_folders']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
}
