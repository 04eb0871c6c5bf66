import type { ColumnType } from 'kysely';
import type { Generated, Timestamp } from '../db/column-types.js';

/** A timestamp column that may be null (revoked_at, used_at, ...). */
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UsersTable = {
  id: string;
  /** Always stored lower-case; unique. */
  email: string;
  /** argon2id PHC string; null until an invited user sets a password. */
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  is_super_admin: Generated<boolean>;
  password_changed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** A dashboard/CLI sign-in: one refresh-token family. Revoking it ends every token of the family. */
export type UserSessionsTable = {
  id: string;
  user_id: string;
  org_id: string;
  created_at: Timestamp;
  /** Absolute end of the session, whatever the refreshes. */
  expires_at: Timestamp;
  last_refreshed_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  ip_address: string | null;
  user_agent: string | null;
};

/** Refresh tokens are stored as SHA-256 hashes; a used one stays (used_at set) so reuse can be detected. */
export type RefreshTokensTable = {
  id: string;
  session_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
};

export type AuthTables = {
  users: UsersTable;
  user_sessions: UserSessionsTable;
  refresh_tokens: RefreshTokensTable;
};
