import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written as Date (or left to their defaults) and read back as Date. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T> = ColumnType<T, string, string>;

export type InstanceSettingsTable = {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
};

/** One data key per organization, stored wrapped (encrypted) by the root key. */
export type DataKeysTable = {
  id: string;
  owner_id: string;
  wrapped_key: Buffer;
  created_at: Timestamp;
  rewrapped_at: Timestamp | null;
};

/** Instance-wide secrets (root-key check, signing keys) wrapped directly by the root key. */
export type InstanceSecretsTable = {
  name: string;
  wrapped: Buffer;
  created_at: Timestamp;
};

export type Database = {
  instance_settings: InstanceSettingsTable;
  instance_secrets: InstanceSecretsTable;
  data_keys: DataKeysTable;
};

export type { Generated };
