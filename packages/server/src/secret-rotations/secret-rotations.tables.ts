import type { Generated, Json, Timestamp } from '../db/column-types.js';

export type RotationStatus = 'success' | 'failed' | 'rotating';
export type AttemptTrigger = 'create' | 'scheduled' | 'manual' | 'recovery' | 'rollback';
/** Journal steps, in order. `failed` and `abandoned` end an attempt early. */
export type AttemptStep = 'claimed' | 'issuing' | 'issued' | 'verified' | 'promoted' | 'completed' | 'failed' | 'abandoned';

export type SecretRotationsTable = {
  id: string;
  org_id: string;
  project_id: string;
  environment_id: string;
  secret_path: string;
  name: string;
  description: string | null;
  type: string;
  connection_id: string;
  parameters: Json<Record<string, unknown>>;
  secrets_mapping: Json<Record<string, string>>;
  is_auto_rotation_enabled: boolean;
  rotation_interval: number;
  rotate_at_hours: number;
  rotate_at_minutes: number;
  time_zone: string;
  /** Two credential slots, each sealed with the org data key (associated data names rotation and slot). */
  slot0_credential: Buffer | null;
  slot0_external_id: string | null;
  slot0_expires_at: Timestamp | null;
  slot1_credential: Buffer | null;
  slot1_external_id: string | null;
  slot1_expires_at: Timestamp | null;
  active_index: number;
  status: RotationStatus;
  last_rotated_at: Timestamp | null;
  last_rotation_attempted_at: Timestamp | null;
  next_rotation_at: Timestamp | null;
  last_rotation_message: string | null;
  last_failure_category: string | null;
  is_last_rotation_manual: boolean;
  consecutive_failures: number;
  /** Set when the rotation needs a person: the circuit breaker tripped or a credential is close to expiry. */
  attention_reason: string | null;
  /** The claim: only the lease owner may run an attempt; an expired lease means its worker died. */
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SecretRotationAttemptsTable = {
  id: string;
  rotation_id: string;
  trigger: AttemptTrigger;
  step: AttemptStep;
  actor_type: string;
  actor_id: string;
  /** Written into the credential's display name, so a credential whose creation response was lost can be found. */
  marker: string;
  external_id: string | null;
  credential: Buffer | null;
  credential_expires_at: Timestamp | null;
  replaced_external_id: string | null;
  error_message: string | null;
  error_category: string | null;
  verification_wait_ms: number | null;
  started_at: Timestamp;
  issued_at: Timestamp | null;
  verified_at: Timestamp | null;
  promoted_at: Timestamp | null;
  finished_at: Timestamp | null;
};

/** Credentials to remove from the external system; durable so a failed or interrupted revoke is retried. */
export type SecretRotationPendingRevocationsTable = {
  id: string;
  rotation_id: string | null;
  org_id: string;
  connection_id: string;
  type: string;
  parameters: Json<Record<string, unknown>>;
  external_id: string;
  reason: string;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
};

export type SecretRotationTables = {
  secret_rotations: SecretRotationsTable;
  secret_rotation_attempts: SecretRotationAttemptsTable;
  secret_rotation_pending_revocations: SecretRotationPendingRevocationsTable;
};
