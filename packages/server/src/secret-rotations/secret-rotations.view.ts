import { rotateAtUtcFor } from './engine/schedule.js';
import type { RotationRow } from './engine/engine.types.js';
import type { RotationResponse } from './secret-rotations.schemas.js';

export type RotationContext = {
  environment: { id: string; name: string; slug: string };
  connection: { id: string; name: string; app: string };
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The API view of a rotation: both schedule forms, status and history fields, never a credential. */
export function toRotationResponse(row: RotationRow, context: RotationContext): RotationResponse {
  const rotateAt = { hours: row.rotate_at_hours, minutes: row.rotate_at_minutes, timeZone: row.time_zone };
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type,
    projectId: row.project_id,
    environment: context.environment,
    folder: { path: row.secret_path },
    secretPath: row.secret_path,
    connectionId: row.connection_id,
    connection: context.connection,
    parameters: row.parameters,
    secretsMapping: row.secrets_mapping,
    isAutoRotationEnabled: row.is_auto_rotation_enabled,
    rotationInterval: row.rotation_interval,
    rotateAtUtc: rotateAtUtcFor(row.next_rotation_at, rotateAt),
    rotateAt,
    activeIndex: row.active_index,
    rotationStatus: row.status,
    lastRotatedAt: iso(row.last_rotated_at),
    lastRotationAttemptedAt: iso(row.last_rotation_attempted_at),
    nextRotationAt: iso(row.next_rotation_at),
    lastRotationMessage: row.last_rotation_message,
    lastFailureCategory: row.last_failure_category,
    isLastRotationManual: row.is_last_rotation_manual,
    consecutiveFailures: row.consecutive_failures,
    attentionReason: row.attention_reason,
    needsAttention: row.attention_reason !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
