import type { Json, Timestamp } from '../db/column-types.js';

/**
 * A folder of one environment. `path` is the full, normalised path (`/`, `/api`, `/api/payments`) so a
 * read finds its folder with one indexed equality; `parent_id` keeps the tree for renames and deletes.
 * The root folder `/` of an environment is created on first write.
 */
export type SecretFoldersTable = {
  id: string;
  project_id: string;
  environment_id: string;
  parent_id: string | null;
  /** Last path segment; empty for the root. */
  name: string;
  path: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SecretType = 'shared' | 'personal';
export type SecretOwnerType = 'user' | 'identity';

/**
 * One secret. Value and comment are sealed with the organization's data key; their associated data
 * names this row and field (`secret:<id>:value`, `secret:<id>:comment`). A personal secret overrides the
 * shared secret of the same key for its owner only.
 */
export type SecretsTable = {
  id: string;
  project_id: string;
  environment_id: string;
  folder_id: string;
  key: string;
  type: SecretType;
  owner_type: SecretOwnerType | null;
  owner_id: string | null;
  version: number;
  encrypted_value: Buffer;
  encrypted_comment: Buffer | null;
  skip_multiline_encoding: boolean;
  reminder_note: string | null;
  reminder_repeat_days: number | null;
  metadata: Json<Record<string, string>> | null;
  /** Set while a secret rotation owns this secret: people cannot edit, rename or delete it. */
  managed_by_rotation_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SecretVersionChange = 'created' | 'updated' | 'restored' | 'rotated';

/** Every state a secret has had, with who made it and when. Sealed as `secret-version:<id>:value|comment`. */
export type SecretVersionsTable = {
  id: string;
  secret_id: string;
  project_id: string;
  version: number;
  key: string;
  type: SecretType;
  encrypted_value: Buffer;
  encrypted_comment: Buffer | null;
  change: SecretVersionChange;
  actor_type: 'user' | 'identity' | 'system';
  actor_id: string;
  actor_name: string | null;
  created_at: Timestamp;
};

/** A folder that reads another environment/path's secrets (Infisical's secret imports). */
export type SecretImportsTable = {
  id: string;
  project_id: string;
  folder_id: string;
  import_environment_id: string;
  import_path: string;
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SecretTagsTable = {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  color: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SecretTagLinksTable = {
  secret_id: string;
  tag_id: string;
};

export type SecretsTables = {
  secret_folders: SecretFoldersTable;
  secrets: SecretsTable;
  secret_versions: SecretVersionsTable;
  secret_imports: SecretImportsTable;
  secret_tags: SecretTagsTable;
  secret_tag_links: SecretTagLinksTable;
};
