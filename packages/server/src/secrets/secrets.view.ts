import type { Keyring } from '../crypto/keyring.js';
import type { SecretRow, TagRef } from './secrets.repo.js';
import type { SecretType } from './secrets.tables.js';

/** Associated data for sealed fields: names the row and the field, so ciphertext cannot move between rows. */
export const secretValueAad = (secretId: string) => `secret:${secretId}:value`;
export const secretCommentAad = (secretId: string) => `secret:${secretId}:comment`;
export const versionValueAad = (versionId: string) => `secret-version:${versionId}:value`;
export const versionCommentAad = (versionId: string) => `secret-version:${versionId}:comment`;

/** What Infisical clients read for a secret (v3 raw shape), plus Rekey's rotation fields. */
export type SecretView = {
  id: string;
  _id: string;
  workspace: string;
  environment: string;
  version: number;
  type: SecretType;
  secretKey: string;
  secretValue: string;
  secretValueHidden: boolean;
  secretComment: string;
  secretReminderNote: string | null;
  secretReminderRepeatDays: number | null;
  skipMultilineEncoding: boolean;
  metadata: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
  secretPath: string;
  tags: TagRef[];
  isRotatedSecret: boolean;
  rotationId: string | null;
};

/** Shown instead of the value when a client asks not to see values (`viewSecretValue=false`). */
export const HIDDEN_VALUE = '<hidden-by-rekey>';

export type PlainFields = { value: string; comment: string };

/** Decrypts a row's value and comment with the organization's cached data key (call `keyring.warm` first). */
export function openRow(keyring: Keyring, orgId: string, row: Pick<SecretRow, 'id' | 'encrypted_value' | 'encrypted_comment'>): PlainFields {
  return {
    value: keyring.decryptTextSync(orgId, secretValueAad(row.id), row.encrypted_value),
    comment: row.encrypted_comment ? keyring.decryptTextSync(orgId, secretCommentAad(row.id), row.encrypted_comment) : '',
  };
}

export function toSecretView(row: SecretRow, plain: PlainFields | null): SecretView {
  return {
    id: row.id,
    _id: row.id,
    workspace: row.project_id,
    environment: row.environment_slug,
    version: row.version,
    type: row.type,
    secretKey: row.key,
    secretValue: plain ? plain.value : HIDDEN_VALUE,
    secretValueHidden: plain === null,
    secretComment: plain ? plain.comment : '',
    secretReminderNote: row.reminder_note,
    secretReminderRepeatDays: row.reminder_repeat_days,
    skipMultilineEncoding: row.skip_multiline_encoding,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    secretPath: row.folder_path,
    tags: row.tags,
    isRotatedSecret: row.managed_by_rotation_id !== null,
    rotationId: row.managed_by_rotation_id,
  };
}

/**
 * The reader's view of a folder: a personal override replaces the shared secret of the same key (rows
 * arrive ordered by path, key, type, so 'personal' sorts before 'shared' within a key).
 */
export function applyPersonalOverrides<T extends Pick<SecretRow, 'folder_path' | 'key' | 'type'>>(rows: T[]): T[] {
  const result: T[] = [];
  let previous: T | undefined;
  for (const row of rows) {
    if (previous && previous.folder_path === row.folder_path && previous.key === row.key) continue;
    result.push(row);
    previous = row;
  }
  return result;
}
