import type { Json, Timestamp } from './column-types.js';

export type InstanceSettingsTable = {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
};

/** Instance-wide secrets (root-key check, signing keys) wrapped directly by the root key. */
export type InstanceSecretsTable = {
  name: string;
  wrapped: Buffer;
  created_at: Timestamp;
};

/** One data key per organization, stored wrapped (encrypted) by the root key. */
export type DataKeysTable = {
  id: string;
  owner_id: string;
  wrapped_key: Buffer;
  created_at: Timestamp;
  rewrapped_at: Timestamp | null;
};

export type PlatformTables = {
  instance_settings: InstanceSettingsTable;
  instance_secrets: InstanceSecretsTable;
  data_keys: DataKeysTable;
};
