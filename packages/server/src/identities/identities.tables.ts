import type { NullableTimestamp } from '../auth/auth.tables.js';
import type { Json, Timestamp } from '../db/column-types.js';

export type TrustedIp = { ipAddress: string; prefix?: number; type: 'ipv4' | 'ipv6' };

export type IdentitiesTable = {
  id: string;
  org_id: string;
  name: string;
  org_role: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type IdentityUniversalAuthsTable = {
  id: string;
  identity_id: string;
  client_id: string;
  /** Seconds; 0 means the token does not expire. */
  access_token_ttl: number;
  access_token_max_ttl: number;
  access_token_num_uses_limit: number;
  client_secret_trusted_ips: Json<TrustedIp[]>;
  access_token_trusted_ips: Json<TrustedIp[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** Client secrets are 256-bit random values, so a SHA-256 hash (indexed, looked up directly) is enough. */
export type IdentityClientSecretsTable = {
  id: string;
  identity_ua_id: string;
  identity_id: string;
  description: string;
  prefix: string;
  secret_hash: string;
  num_uses: number;
  num_uses_limit: number;
  ttl: number;
  is_revoked: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_used_at: NullableTimestamp;
};

export type IdentityAuthMethod = 'universal-auth' | 'token';

/** One row per issued machine access token; the bearer JWT carries only this row's id. */
export type IdentityAccessTokensTable = {
  id: string;
  identity_id: string;
  auth_method: IdentityAuthMethod;
  client_secret_id: string | null;
  access_token_ttl: number;
  access_token_max_ttl: number;
  num_uses: number;
  num_uses_limit: number;
  is_revoked: boolean;
  created_at: Timestamp;
  last_renewed_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
};

export type IdentityTables = {
  identities: IdentitiesTable;
  identity_universal_auths: IdentityUniversalAuthsTable;
  identity_client_secrets: IdentityClientSecretsTable;
  identity_access_tokens: IdentityAccessTokensTable;
};
