import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secret_rotations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('project_environments.id').onDelete('cascade'))
    .addColumn('secret_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    // No cascade: a connection cannot be deleted while a rotation uses it.
    .addColumn('connection_id', 'uuid', (c) => c.notNull().references('app_connections.id'))
    .addColumn('parameters', 'jsonb', (c) => c.notNull())
    .addColumn('secrets_mapping', 'jsonb', (c) => c.notNull())
    .addColumn('is_auto_rotation_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('rotation_interval', 'integer', (c) => c.notNull())
    .addColumn('rotate_at_hours', 'integer', (c) => c.notNull())
    .addColumn('rotate_at_minutes', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('slot0_credential', 'bytea')
    .addColumn('slot0_external_id', 'text')
    .addColumn('slot0_expires_at', 'timestamptz')
    .addColumn('slot1_credential', 'bytea')
    .addColumn('slot1_external_id', 'text')
    .addColumn('slot1_expires_at', 'timestamptz')
    .addColumn('active_index', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_rotated_at', 'timestamptz')
    .addColumn('last_rotation_attempted_at', 'timestamptz')
    .addColumn('next_rotation_at', 'timestamptz')
    .addColumn('last_rotation_message', 'text')
    .addColumn('last_failure_category', 'text')
    .addColumn('is_last_rotation_manual', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attention_reason', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('secret_rotations_project_name_key', ['project_id', 'name'])
    .addCheckConstraint('secret_rotations_active_index_check', sql`active_index in (0, 1)`)
    .execute();
  await db.schema
    .createIndex('secret_rotations_due_idx')
    .on('secret_rotations')
    .columns(['next_rotation_at'])
    .where(sql.ref('is_auto_rotation_enabled'), '=', true)
    .execute();
  await db.schema.createIndex('secret_rotations_connection_idx').on('secret_rotations').column('connection_id').execute();

  await db.schema
    .createTable('secret_rotation_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('rotation_id', 'uuid', (c) => c.notNull().references('secret_rotations.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('marker', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('credential', 'bytea')
    .addColumn('credential_expires_at', 'timestamptz')
    .addColumn('replaced_external_id', 'text')
    .addColumn('error_message', 'text')
    .addColumn('error_category', 'text')
    .addColumn('verification_wait_ms', 'integer')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz')
    .addColumn('verified_at', 'timestamptz')
    .addColumn('promoted_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('secret_rotation_attempts_rotation_idx')
    .on('secret_rotation_attempts')
    .columns(['rotation_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('secret_rotation_pending_revocations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('rotation_id', 'uuid', (c) => c.references('secret_rotations.id').onDelete('set null'))
    .addColumn('org_id', 'uuid', (c) => c.notNull())
    .addColumn('connection_id', 'uuid', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('parameters', 'jsonb', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('secret_rotation_pending_revocations_external_key', ['connection_id', 'external_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('secret_rotation_pending_revocations').execute();
  await db.schema.dropTable('secret_rotation_attempts').execute();
  await db.schema.dropTable('secret_rotations').execute();
}
